import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadClientConfig, parseClientConfig, resolveConfigPath } from './client-config';
import { ConfigError } from './ini';

const FILE = '/etc/test/client.conf';

function errorOf(text: string): string {
  try {
    parseClientConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfigPath', () => {
  it('prefers the flag, then PACMAN_SYNC_CONFIG, then XDG_CONFIG_HOME, then ~/.config', () => {
    const env = { PACMAN_SYNC_CONFIG: '/env/c.conf', XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' };
    expect(resolveConfigPath({ flag: '/flag.conf', env })).toBe('/flag.conf');
    expect(resolveConfigPath({ env })).toBe('/env/c.conf');
    expect(resolveConfigPath({ env: { XDG_CONFIG_HOME: '/xdg', HOME: '/home/u' } })).toBe(
      '/xdg/pacman-sync/client.conf',
    );
    expect(resolveConfigPath({ env: { HOME: '/home/u' } })).toBe('/home/u/.config/pacman-sync/client.conf');
  });

  it('ignores a relative XDG_CONFIG_HOME as the XDG spec requires', () => {
    expect(resolveConfigPath({ env: { XDG_CONFIG_HOME: 'rel', HOME: '/home/u' } })).toBe(
      '/home/u/.config/pacman-sync/client.conf',
    );
  });
});

describe('parseClientConfig', () => {
  it('reads every section of the documented example plus [pacman]', () => {
    const config = parseClientConfig(
      [
        '; pacman-sync client',
        '# both comment styles',
        '[server]',
        'url = https://sync.example.org:8443/',
        'api_key = abc;def#1',
        '',
        '[client]',
        'endpoint_name =  my desktop ',
        'pool_id = default-pool',
        'auto_sync = yes',
        '[ui]',
        'show_notifications = false',
        'minimize_to_tray = off',
        'update_interval = 60',
        '[pacman]',
        'command = /usr/local/bin/pacman',
        'privilege = pkexec',
        'root = /mnt/chroot',
        'dbpath = /mnt/chroot/var/lib/pacman',
        'config = /mnt/chroot/etc/pacman.conf',
        'cachedir = /mnt/chroot/var/cache/pacman/pkg',
        'archive_url = https://archive.archlinux.org',
      ].join('\n'),
      FILE,
    );
    expect(config).toEqual({
      source: FILE,
      server: { url: 'https://sync.example.org:8443', apiKey: 'abc;def#1' },
      client: { endpointName: 'my desktop', poolId: 'default-pool', autoSync: true },
      ui: { showNotifications: false, minimizeToTray: false, updateInterval: 60 },
      pacman: {
        command: '/usr/local/bin/pacman',
        privilege: 'pkexec',
        root: '/mnt/chroot',
        dbpath: '/mnt/chroot/var/lib/pacman',
        config: '/mnt/chroot/etc/pacman.conf',
        cachedir: '/mnt/chroot/var/cache/pacman/pkg',
        archiveUrl: 'https://archive.archlinux.org',
      },
    });
  });

  it('fills defaults and returns a deeply frozen object', () => {
    const config = parseClientConfig('[server]\nurl = http://localhost:8080\n', FILE);
    expect(config.ui.updateInterval).toBe(300);
    expect(config.client.autoSync).toBe(false);
    expect(config.client.endpointName.length).toBeGreaterThan(0);
    expect(config.pacman).toEqual({
      command: 'pacman',
      privilege: 'auto',
      root: null,
      dbpath: null,
      config: null,
      cachedir: null,
      archiveUrl: null,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.pacman)).toBe(true);
    expect(() => {
      (config.pacman as { command: string }).command = 'evil';
    }).toThrow(TypeError);
  });

  it.each([
    ['[bogus]\nx = 1', `${FILE}:1: unknown section [bogus]`],
    ['[server]\n\ncolour = red', `${FILE}:3: unknown key "colour" in [server]`],
    ['url = http://x', `${FILE}:1: key "url" appears before any [section]`],
    ['[client]\nauto_sync = maybe', `${FILE}:2: [client] auto_sync must be true or false, got "maybe"`],
    ['[ui]\nupdate_interval = 0', `${FILE}:2: [ui] update_interval must be a positive whole number`],
    ['[ui]\nupdate_interval = -5', `${FILE}:2: [ui] update_interval must be a positive whole number`],
    ['[ui]\nupdate_interval = 1.5', `${FILE}:2: [ui] update_interval must be a positive whole number`],
    ['[server]\nurl = not a url', `${FILE}:2: [server] url is not a valid URL`],
    ['[server]\nurl = ftp://host/', `${FILE}:2: [server] url must be a http: or https: URL`],
    ['[server]\nurl = http://h/?q=1', `${FILE}:2: [server] url must not have a query or fragment`],
    ['[server]\nurl =', `${FILE}:2: [server] url is empty`],
    ['[server]\napi_key = a b', `${FILE}:2: [server] api_key must not contain whitespace`],
    ['[pacman]\nprivilege = doas', `${FILE}:2: [pacman] privilege must be one of auto, sudo, pkexec, none`],
    ['[pacman]\nroot = relative/dir', `${FILE}:2: [pacman] root must be an absolute path`],
    ['[pacman]\ncommand = pacman --root=/', `${FILE}:2: [pacman] command must be one program`],
    [
      '[pacman]\ncommand = ./pacman',
      `${FILE}:2: [pacman] command must be a bare program name or an absolute path`,
    ],
    ['[pacman]\ncommand = --help', `${FILE}:2: [pacman] command must be a program`],
    [
      '[pacman]\narchive_url = javascript:alert(1)',
      `${FILE}:2: [pacman] archive_url must be a http: or https: or file: URL`,
    ],
    ['[server]\nurl = http://a\nurl = http://b', `${FILE}:3: [server] url is set twice`],
    ['[server\nurl = http://a', `${FILE}:1: malformed section header "[server"`],
    ['[server]\njust some words', `${FILE}:2: expected "key = value"`],
    ['[server]\n= value', `${FILE}:2: expected "key = value"`],
    ['[server]\nconstructor = x', `${FILE}:2: unknown key "constructor" in [server]`],
    ['[__proto__]\nx = 1', `${FILE}:1: unknown section [__proto__]`],
    ['[server]\nbad key = 1', `${FILE}:2: malformed key "bad key"`],
    ['[client]\nendpoint_name = a\u0007b', `${FILE}:2: [client] endpoint_name contains control characters`],
  ])('rejects %j with one clear line', (text, expected) => {
    const message = errorOf(text);
    expect(message.slice(0, expected.length)).toBe(expected);
    expect(message).not.toContain('\n');
  });

  it('accepts CRLF line endings and a byte order mark', () => {
    const config = parseClientConfig('\uFEFF[ui]\r\nupdate_interval = 42\r\n', FILE);
    expect(config.ui.updateInterval).toBe(42);
  });
});

describe('loadClientConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses defaults when the default location has no file', () => {
    const config = loadClientConfig({ env: { XDG_CONFIG_HOME: dir } });
    expect(config.source).toBeNull();
    expect(config.server.url).toBeNull();
  });

  it('fails clearly when an explicitly named file is missing', () => {
    expect(() => loadClientConfig({ flag: join(dir, 'nope.conf'), env: {} })).toThrow(
      new ConfigError(`${join(dir, 'nope.conf')}: cannot read config file (ENOENT)`),
    );
    expect(() => loadClientConfig({ env: { PACMAN_SYNC_CONFIG: join(dir, 'gone.conf') } })).toThrow(
      ConfigError,
    );
  });

  it('reads the file named by PACMAN_SYNC_CONFIG', () => {
    const file = join(dir, 'c.conf');
    writeFileSync(file, '[client]\npool_id = lab\n');
    const config = loadClientConfig({ env: { PACMAN_SYNC_CONFIG: file } });
    expect(config.source).toBe(file);
    expect(config.client.poolId).toBe('lab');
  });

  it('names the real file in errors', () => {
    const file = join(dir, 'broken.conf');
    writeFileSync(file, '[ui]\nshow_notifications = sometimes\n');
    expect(() => loadClientConfig({ flag: file, env: {} })).toThrow(`${file}:2: [ui] show_notifications`);
  });
});

import { readFileSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';

import { ConfigError, IniEntry, parseIni } from './ini';

export type Privilege = 'auto' | 'sudo' | 'pkexec' | 'none';
export const PRIVILEGES: readonly Privilege[] = ['auto', 'sudo', 'pkexec', 'none'];

/** The [pacman] section: which pacman to run, how to gain privileges, and which root it manages. */
export interface PacmanConfig {
  readonly command: string;
  readonly privilege: Privilege;
  readonly root: string | null;
  readonly dbpath: string | null;
  readonly config: string | null;
  readonly cachedir: string | null;
  /** Base of an Arch Linux Archive mirror; packages are fetched from it when no repository offers a version. */
  readonly archiveUrl: string | null;
}

export interface ClientConfig {
  /** The file the values came from, or null when only defaults apply. */
  readonly source: string | null;
  readonly server: { readonly url: string | null; readonly apiKey: string | null };
  readonly client: {
    readonly endpointName: string;
    readonly poolId: string | null;
    readonly autoSync: boolean;
  };
  readonly ui: {
    readonly showNotifications: boolean;
    readonly minimizeToTray: boolean;
    /** Seconds between state reports and status polls. */
    readonly updateInterval: number;
  };
  readonly pacman: PacmanConfig;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export const DEFAULT_UPDATE_INTERVAL_SECONDS = 300;

export const DEFAULT_PACMAN_CONFIG: PacmanConfig = Object.freeze({
  command: 'pacman',
  privilege: 'auto',
  root: null,
  dbpath: null,
  config: null,
  cachedir: null,
  archiveUrl: null,
});

/** `--config FILE` wins over PACMAN_SYNC_CONFIG, which wins over the XDG location. */
export function resolveConfigPath(options: { flag?: string | null; env: Environment }): string {
  if (options.flag) return options.flag;
  if (options.env.PACMAN_SYNC_CONFIG) return options.env.PACMAN_SYNC_CONFIG;
  return join(xdgDirectory(options.env, 'XDG_CONFIG_HOME', '.config'), 'pacman-sync', 'client.conf');
}

/** `$NAME` when it is an absolute path (the XDG spec says relative values are ignored), else `~/<fallback>`. */
export function xdgDirectory(env: Environment, name: string, fallback: string): string {
  const value = env[name];
  if (value && isAbsolute(value)) return value;
  const home = env.HOME || homedir();
  return join(home, fallback);
}

/**
 * Loads the client config. A file named explicitly (flag or PACMAN_SYNC_CONFIG) must exist; the default
 * location may be absent, and then every value is its default.
 */
export function loadClientConfig(options: { flag?: string | null; env: Environment }): ClientConfig {
  const path = resolveConfigPath(options);
  const explicit = Boolean(options.flag || options.env.PACMAN_SYNC_CONFIG);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return defaultClientConfig();
    throw new ConfigError(`${path}: cannot read config file (${code ?? String(error)})`);
  }
  return parseClientConfig(text, path);
}

export function defaultClientConfig(): ClientConfig {
  return freezeConfig({
    source: null,
    server: { url: null, apiKey: null },
    client: { endpointName: hostname(), poolId: null, autoSync: false },
    ui: { showNotifications: true, minimizeToTray: true, updateInterval: DEFAULT_UPDATE_INTERVAL_SECONDS },
    pacman: { ...DEFAULT_PACMAN_CONFIG },
  });
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };
type Setter = (config: Mutable<ClientConfig>, value: string, where: string) => void;

const SETTERS: Record<string, Record<string, Setter>> = {
  server: {
    url: (c, v, w) => (c.server.url = httpUrl(v, w)),
    api_key: (c, v, w) => (c.server.apiKey = token(v, w)),
  },
  client: {
    endpoint_name: (c, v, w) => (c.client.endpointName = printable(v, w)),
    pool_id: (c, v, w) => (c.client.poolId = printable(v, w)),
    auto_sync: (c, v, w) => (c.client.autoSync = boolean(v, w)),
  },
  ui: {
    show_notifications: (c, v, w) => (c.ui.showNotifications = boolean(v, w)),
    minimize_to_tray: (c, v, w) => (c.ui.minimizeToTray = boolean(v, w)),
    update_interval: (c, v, w) => (c.ui.updateInterval = positiveInteger(v, w)),
  },
  pacman: {
    command: (c, v, w) => (c.pacman.command = command(v, w)),
    privilege: (c, v, w) => (c.pacman.privilege = privilege(v, w)),
    root: (c, v, w) => (c.pacman.root = absolutePath(v, w)),
    dbpath: (c, v, w) => (c.pacman.dbpath = absolutePath(v, w)),
    config: (c, v, w) => (c.pacman.config = absolutePath(v, w)),
    cachedir: (c, v, w) => (c.pacman.cachedir = absolutePath(v, w)),
    archive_url: (c, v, w) => (c.pacman.archiveUrl = archiveUrl(v, w)),
  },
};

export function parseClientConfig(text: string, file: string): ClientConfig {
  const config = structuredClone(defaultClientConfig()) as Mutable<ClientConfig>;
  config.source = file;
  const document = parseIni(text, file);
  for (const { name, line } of document.sections) {
    if (!Object.hasOwn(SETTERS, name)) {
      throw new ConfigError(
        `${file}:${line}: unknown section [${name}] (known: ${Object.keys(SETTERS).join(', ')})`,
      );
    }
  }
  for (const entry of document.entries) {
    const section = SETTERS[entry.section];
    const setter = Object.hasOwn(section, entry.key) ? section[entry.key] : undefined;
    if (!setter) {
      throw new ConfigError(
        `${file}:${entry.line}: unknown key "${entry.key}" in [${entry.section}] (known: ${Object.keys(section).join(', ')})`,
      );
    }
    setter(config, entry.value, where(file, entry));
  }
  return freezeConfig(config);
}

function where(file: string, entry: IniEntry): string {
  return `${file}:${entry.line}: [${entry.section}] ${entry.key}`;
}

function freezeConfig(config: Mutable<ClientConfig> | ClientConfig): ClientConfig {
  for (const value of Object.values(config)) if (value && typeof value === 'object') Object.freeze(value);
  return Object.freeze(config) as ClientConfig;
}

function nonEmpty(value: string, where: string): string {
  if (value === '') throw new ConfigError(`${where} is empty`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new ConfigError(`${where} contains control characters`);
  return value;
}

function printable(value: string, where: string): string {
  return nonEmpty(value, where);
}

function token(value: string, where: string): string {
  if (/\s/.test(nonEmpty(value, where))) throw new ConfigError(`${where} must not contain whitespace`);
  return value;
}

const TRUE_WORDS = ['true', 'yes', 'on', '1'];
const FALSE_WORDS = ['false', 'no', 'off', '0'];

function boolean(value: string, where: string): boolean {
  const word = value.toLowerCase();
  if (TRUE_WORDS.includes(word)) return true;
  if (FALSE_WORDS.includes(word)) return false;
  throw new ConfigError(`${where} must be true or false, got ${JSON.stringify(value)}`);
}

function positiveInteger(value: string, where: string): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    throw new ConfigError(
      `${where} must be a positive whole number of seconds, got ${JSON.stringify(value)}`,
    );
  }
  return Number(value);
}

function url(value: string, where: string, protocols: readonly string[]): string {
  nonEmpty(value, where);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(`${where} is not a valid URL: ${JSON.stringify(value)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${where} must be a ${protocols.join(' or ')} URL, got ${JSON.stringify(value)}`);
  }
  if (parsed.search || parsed.hash) throw new ConfigError(`${where} must not have a query or fragment`);
  // Later code appends paths, so a trailing slash would double up.
  return value.replace(/\/+$/, '');
}

function httpUrl(value: string, where: string): string {
  return url(value, where, ['http:', 'https:']);
}

function archiveUrl(value: string, where: string): string {
  return url(value, where, ['http:', 'https:', 'file:']);
}

function privilege(value: string, where: string): Privilege {
  if (!(PRIVILEGES as readonly string[]).includes(value)) {
    throw new ConfigError(`${where} must be one of ${PRIVILEGES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as Privilege;
}

function absolutePath(value: string, where: string): string {
  if (!isAbsolute(nonEmpty(value, where))) {
    throw new ConfigError(`${where} must be an absolute path, got ${JSON.stringify(value)}`);
  }
  return value;
}

function command(value: string, where: string): string {
  nonEmpty(value, where);
  if (value.startsWith('-'))
    throw new ConfigError(`${where} must be a program, got ${JSON.stringify(value)}`);
  if (/\s/.test(value)) {
    throw new ConfigError(`${where} must be one program without arguments, got ${JSON.stringify(value)}`);
  }
  if (value.includes('/') && !isAbsolute(value)) {
    throw new ConfigError(
      `${where} must be a bare program name or an absolute path, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

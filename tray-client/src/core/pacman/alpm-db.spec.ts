import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseDesc, readLocalDb, readPackageInfo, readSyncDb, readSyncDbNames, tarEntries } from './alpm-db';
import { SpawnProcessRunner } from './process-runner';

describe('parseDesc', () => {
  it('reads multi-value keys and stops a key at the blank line', () => {
    const desc = parseDesc('%NAME%\nfoo\n\n%DEPENDS%\nglibc\nlibx>=2\n\n%EMPTY%\n\n%REASON%\n1\n');
    expect(desc.get('NAME')).toEqual(['foo']);
    expect(desc.get('DEPENDS')).toEqual(['glibc', 'libx>=2']);
    expect(desc.get('EMPTY')).toEqual([]);
    expect(desc.get('REASON')).toEqual(['1']);
  });
});

describe('database readers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ps-alpmdb-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeDesc(base: string, entry: string, text: string): void {
    mkdirSync(join(base, entry), { recursive: true });
    writeFileSync(join(base, entry, 'desc'), text);
  }

  it('reads a local database, skipping ALPM_DB_VERSION and directories without desc', () => {
    const local = join(dir, 'local');
    writeDesc(
      local,
      'foo-1.0-1',
      '%NAME%\nfoo\n\n%VERSION%\n1.0-1\n\n%ARCH%\nx86_64\n\n%SIZE%\n42\n\n%REASON%\n1\n',
    );
    writeDesc(
      local,
      'bar-2-1',
      '%NAME%\nbar\n\n%VERSION%\n2-1\n\n%GROUPS%\nxorg\nxorg-drivers\n\n%DEPENDS%\nfoo>=1\n\n' +
        '%CONFLICTS%\nbaz<2\n\n%PROVIDES%\nbaz=2-1\nlibbar.so=2-64\n',
    );
    mkdirSync(join(local, 'half-installed-1-1'));
    writeFileSync(join(local, 'ALPM_DB_VERSION'), '9\n');
    const packages = readLocalDb(dir)!.sort((a, b) => a.name.localeCompare(b.name));
    expect(packages).toEqual([
      {
        name: 'bar',
        version: '2-1',
        architecture: 'unknown',
        installedSize: 0,
        dependencies: ['foo>=1'],
        asDependency: false,
        conflicts: ['baz<2'],
        provides: ['baz=2-1', 'libbar.so=2-64'],
        groups: ['xorg', 'xorg-drivers'],
      },
      {
        name: 'foo',
        version: '1.0-1',
        architecture: 'x86_64',
        installedSize: 42,
        dependencies: [],
        asDependency: true,
        conflicts: [],
        provides: [],
        groups: [],
      },
    ]);
  });

  it('treats a missing local database as empty and a desc without a name as corrupt', () => {
    expect(readLocalDb(join(dir, 'nowhere'))).toBeNull();
    writeDesc(join(dir, 'local'), 'x-1-1', '%VERSION%\n1-1\n');
    expect(() => readLocalDb(dir)).toThrow(/no %NAME% or %VERSION%/);
  });

  const syncDesc = (name: string, version: string) =>
    `%FILENAME%\n${name}-${version}-x86_64.pkg.tar.zst\n\n%NAME%\n${name}\n\n%VERSION%\n${version}\n\n%ARCH%\nx86_64\n` +
    `\n%GROUPS%\n${name}-group\n\n%CONFLICTS%\n${name}-git\n\n%PROVIDES%\n${name}-git=${version}\n`;

  it.each([
    ['gzip (read in process)', ['-z']],
    ['plain tar (read in process)', []],
    ['xz (through bsdtar)', ['-J']],
    ['zstd (through bsdtar)', ['--zstd']],
  ])('reads a sync database compressed with %s', async (_label, compression) => {
    const content = join(dir, 'content');
    writeDesc(content, 'foo-1.0-1', syncDesc('foo', '1.0-1'));
    // A name longer than ustar's 100 bytes forces a pax or GNU long-name header.
    const longName = `lib${'x'.repeat(120)}`;
    writeDesc(content, `${longName}-2:3.4-5`, syncDesc(longName, '2:3.4-5'));
    const db = join(dir, 'repo.db');
    // Entries named `<name>-<version>/desc` without a "./" prefix, as repo-add writes them.
    execFileSync('bsdtar', ['-c', ...compression, '-f', db, '-C', content, ...readdirSync(content)]);

    const packages = await readSyncDb(db, new SpawnProcessRunner());
    expect((await readSyncDbNames(db, new SpawnProcessRunner())).sort((a, b) => a.length - b.length)).toEqual(
      ['foo', longName],
    );

    expect(packages.sort((a, b) => a.name.length - b.name.length)).toEqual([
      {
        name: 'foo',
        version: '1.0-1',
        architecture: 'x86_64',
        filename: 'foo-1.0-1-x86_64.pkg.tar.zst',
        conflicts: ['foo-git'],
        provides: ['foo-git=1.0-1'],
        groups: ['foo-group'],
      },
      {
        name: longName,
        version: '2:3.4-5',
        architecture: 'x86_64',
        filename: `${longName}-2:3.4-5-x86_64.pkg.tar.zst`,
        conflicts: [`${longName}-git`],
        provides: [`${longName}-git=2:3.4-5`],
        groups: [`${longName}-group`],
      },
    ]);
  });

  it('notices a sync database replaced by pacman -Sy although names are remembered between reads', async () => {
    const content = join(dir, 'content');
    const db = join(dir, 'repo.db');
    writeDesc(content, 'foo-1.0-1', syncDesc('foo', '1.0-1'));
    execFileSync('bsdtar', ['-czf', db, '-C', content, 'foo-1.0-1']);
    const runner = new SpawnProcessRunner();
    expect(await readSyncDbNames(db, runner)).toEqual(['foo']);

    writeDesc(content, 'bar-1.0-1', syncDesc('bar', '1.0-1'));
    execFileSync('bsdtar', ['-czf', `${db}.new`, '-C', content, 'foo-1.0-1', 'bar-1.0-1']);
    renameSync(`${db}.new`, db);
    expect((await readSyncDbNames(db, runner)).sort()).toEqual(['bar', 'foo']);
  });

  it('fails clearly on a database that is not an archive', async () => {
    const db = join(dir, 'broken.db');
    writeFileSync(db, 'this is not a tar archive at all');
    await expect(readSyncDb(db, new SpawnProcessRunner())).rejects.toThrow(`cannot read sync database ${db}`);
  });

  it.each([
    ['gzip', ['-z']],
    ['zstd', ['--zstd']],
  ])("reads a %s package file's .PKGINFO", async (_label, compression) => {
    const content = join(dir, 'content');
    mkdirSync(join(content, 'usr/bin'), { recursive: true });
    writeFileSync(
      join(content, '.PKGINFO'),
      [
        '# Generated by makepkg 6.0.2',
        'pkgname = iptables-nft',
        'pkgver = 1:1.8.10-2',
        'pkgdesc = a description = with an equals sign',
        'depend = libnftnl',
        'conflict = iptables',
        'conflict = ebtables<2',
        'provides = iptables=1:1.8.10-2',
        'replaces = iptables-legacy',
        'group = firewall',
        '',
      ].join('\n'),
    );
    writeFileSync(join(content, 'usr/bin/iptables'), 'binary');
    const file = join(dir, 'iptables-nft-1:1.8.10-2-x86_64.pkg.tar.any');
    execFileSync('bsdtar', ['-c', ...compression, '-f', file, '-C', content, '.PKGINFO', 'usr']);

    expect(await readPackageInfo(file, new SpawnProcessRunner())).toEqual({
      name: 'iptables-nft',
      version: '1:1.8.10-2',
      conflicts: ['iptables', 'ebtables<2'],
      provides: ['iptables=1:1.8.10-2'],
      groups: ['firewall'],
    });
  });

  it('fails clearly on a package file without .PKGINFO', async () => {
    const file = join(dir, 'broken.pkg.tar.gz');
    writeFileSync(join(dir, 'README'), 'no metadata');
    execFileSync('bsdtar', ['-czf', file, '-C', dir, 'README']);
    await expect(readPackageInfo(file, new SpawnProcessRunner())).rejects.toThrow(
      `cannot read .PKGINFO of ${file}`,
    );
  });

  it('yields nothing for an empty archive', () => {
    expect([...tarEntries(Buffer.alloc(1024))]).toEqual([]);
  });
});

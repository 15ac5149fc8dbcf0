import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import { ProcessRunner } from './process-runner';

/** The `%KEY%` blocks of a libalpm `desc` file: each key followed by its values, one per line. */
export type Desc = Map<string, string[]>;

export function parseDesc(text: string): Desc {
  const desc: Desc = new Map();
  let values: string[] | null = null;
  for (const line of text.split('\n')) {
    if (line.length > 2 && line.startsWith('%') && line.endsWith('%')) {
      values = [];
      desc.set(line.slice(1, -1), values);
    } else if (line === '') {
      values = null;
    } else if (values) {
      values.push(line);
    }
  }
  return desc;
}

export function descValue(desc: Desc, key: string): string | null {
  return desc.get(key)?.[0] ?? null;
}

export interface LocalDbPackage {
  name: string;
  version: string;
  architecture: string;
  installedSize: number;
  dependencies: string[];
  /** %REASON% 1 means installed as a dependency; absent or 0 means explicitly. */
  asDependency: boolean;
  /** pacman's conflict and provision strings as recorded (`iptables`, `foo<2`, `libfoo.so=1-64`). */
  conflicts: string[];
  provides: string[];
  /** %GROUPS%: the package groups it belongs to (what IgnoreGroup matches). */
  groups: string[];
}

/**
 * Reads pacman's local database (`<dbpath>/local/<name>-<version>/desc`) directly: one small file per
 * package is far cheaper than starting pacman and parsing its human-oriented `-Qi` output.
 */
export function readLocalDb(dbpath: string): LocalDbPackage[] | null {
  const localDir = join(dbpath, 'local');
  let entries: string[];
  try {
    entries = readdirSync(localDir);
  } catch (error) {
    // No database at all, which is not the same as nothing installed: pacman creates local/ on first use.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const packages: LocalDbPackage[] = [];
  for (const entry of entries) {
    if (entry === 'ALPM_DB_VERSION') continue;
    let text: string;
    try {
      text = readSmallFile(join(localDir, entry, 'desc'));
    } catch (error) {
      // A directory without desc is not an installed package (pacman skips it as well).
      if (
        (error as NodeJS.ErrnoException).code === 'ENOENT' ||
        (error as NodeJS.ErrnoException).code === 'ENOTDIR'
      ) {
        continue;
      }
      throw error;
    }
    const desc = parseDesc(text);
    const name = descValue(desc, 'NAME');
    const version = descValue(desc, 'VERSION');
    if (!name || !version) throw new Error(`${join(localDir, entry, 'desc')}: no %NAME% or %VERSION%`);
    packages.push({
      name,
      version,
      architecture: descValue(desc, 'ARCH') ?? 'unknown',
      installedSize: Number(descValue(desc, 'SIZE') ?? '0') || 0,
      dependencies: desc.get('DEPENDS') ?? [],
      asDependency: descValue(desc, 'REASON') === '1',
      conflicts: desc.get('CONFLICTS') ?? [],
      provides: desc.get('PROVIDES') ?? [],
      groups: desc.get('GROUPS') ?? [],
    });
  }
  return packages;
}

// One buffer for the many small desc files: open, read, close is a third fewer system calls than
// readFileSync, which also asks for the size first. Larger files fall back to readFileSync.
const smallFileBuffer = Buffer.allocUnsafe(64 * 1024);

function readSmallFile(path: string): string {
  const fd = openSync(path, 'r');
  let length: number;
  try {
    length = readSync(fd, smallFileBuffer, 0, smallFileBuffer.length, 0);
  } finally {
    closeSync(fd);
  }
  if (length === smallFileBuffer.length) return readFileSync(path, 'utf8');
  return smallFileBuffer.toString('utf8', 0, length);
}

export interface SyncDbPackage {
  name: string;
  version: string;
  architecture: string;
  /** %FILENAME%: the package file's name on the repository's servers. */
  filename: string | null;
  conflicts: string[];
  provides: string[];
  groups: string[];
}

/**
 * Reads a sync database (a tar of `<name>-<version>/desc` entries). gzip and plain tar are read in
 * process; other compressions (zstd, xz, bzip2) are converted to a plain tar by bsdtar first.
 */
export async function readSyncDb(path: string, runner: ProcessRunner): Promise<SyncDbPackage[]> {
  const tar = await uncompressedTar(path, runner);
  const packages: SyncDbPackage[] = [];
  for (const entry of tarEntries(tar)) {
    if (!entry.path.endsWith('/desc')) continue;
    const desc = parseDesc(entry.data.toString('utf8'));
    const name = descValue(desc, 'NAME');
    const version = descValue(desc, 'VERSION');
    if (!name || !version) continue;
    packages.push({
      name,
      version,
      architecture: descValue(desc, 'ARCH') ?? 'any',
      filename: descValue(desc, 'FILENAME'),
      conflicts: desc.get('CONFLICTS') ?? [],
      provides: desc.get('PROVIDES') ?? [],
      groups: desc.get('GROUPS') ?? [],
    });
  }
  return packages;
}

/**
 * Only the package names of a sync database, taken from its entry names (`<name>-<pkgver>-<pkgrel>/`):
 * neither pkgver nor pkgrel may contain `-`, so the name is everything before the last two dashes.
 */
export async function readSyncDbNames(path: string, runner: ProcessRunner): Promise<string[]> {
  const identity = fileIdentity(path);
  const cached = syncDbNameCache.get(path);
  if (cached && cached.identity === identity) return cached.names;
  const names: string[] = [];
  for (const entry of tarEntries(await uncompressedTar(path, runner))) {
    if (!entry.path.endsWith('/desc')) continue;
    const dir = entry.path.slice(0, -'/desc'.length);
    const relDash = dir.lastIndexOf('-');
    const verDash = relDash > 0 ? dir.lastIndexOf('-', relDash - 1) : -1;
    if (verDash > 0) names.push(dir.slice(0, verDash));
  }
  syncDbNameCache.set(path, { identity, names });
  return names;
}

// Sync databases change only when pacman -Sy replaces them, which changes their inode, size or time; a
// long-running client (daemon, tray) therefore decompresses each one once per refresh, not per report.
const syncDbNameCache = new Map<string, { identity: string; names: string[] }>();

/** Identifies one version of a file: replacing or rewriting it changes at least one of these. */
export function fileIdentity(path: string): string {
  const stat = statSync(path, { bigint: true });
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`;
}

const gunzipAsync = promisify(gunzip);

async function uncompressedTar(path: string, runner: ProcessRunner): Promise<Buffer> {
  const raw = readFileSync(path);
  if (raw.length === 0) return raw;
  // Asynchronous on purpose: inflating runs on libuv's thread pool, beside whatever the caller does next.
  if (raw[0] === 0x1f && raw[1] === 0x8b) return gunzipAsync(raw);
  if (raw.length >= 262 && raw.toString('latin1', 257, 262) === 'ustar') return raw;
  const result = await runner.run('bsdtar', ['-c', '-f', '-', '--format', 'ustar', `@${path}`]);
  if (result.exitCode !== 0) {
    throw new Error(`cannot read sync database ${path}: ${result.lines.slice(-3).join(' ')}`);
  }
  return result.stdoutBytes;
}

interface TarEntry {
  path: string;
  data: Buffer;
}

/** A minimal ustar/pax/GNU reader: enough for repo-add's databases, which hold only small text files. */
export function* tarEntries(tar: Buffer): Generator<TarEntry> {
  let offset = 0;
  let longName: string | null = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] || 0x30);
    const dataStart = offset + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(data);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(data) ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const prefix = cString(header.subarray(345, 500));
    const name = cString(header.subarray(0, 100));
    const path = longName ?? (prefix ? `${prefix}/${name}` : name);
    longName = null;
    if (type === '0' || type === '\0') yield { path, data };
  }
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.toString('utf8', 0, end === -1 ? bytes.length : end);
}

function parseOctal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

function paxPath(data: Buffer): string | null {
  for (const record of data.toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match) return match[1];
  }
  return null;
}

/** What a package declares about other packages, as the conflict check needs it. */
export interface PackageRelations {
  name: string;
  version: string;
  conflicts: string[];
  provides: string[];
}

/** A package file's own metadata: its relations and the groups it belongs to. */
export interface PackageInfo extends PackageRelations {
  groups: string[];
}

/**
 * The name, version, conflicts, provisions and groups a package file declares in its `.PKGINFO`. bsdtar reads
 * every compression pacman accepts; `-q` stops at the first match, and makepkg writes `.PKGINFO` first,
 * so a large package is not decompressed whole.
 */
export async function readPackageInfo(path: string, runner: ProcessRunner): Promise<PackageInfo> {
  const result = await runner.run('bsdtar', ['-x', '-q', '-O', '-f', path, '.PKGINFO']);
  const info = new Map<string, string[]>();
  for (const line of result.stdout.split('\n')) {
    const match = /^(\w+) = (.*)$/.exec(line);
    if (match) info.set(match[1], [...(info.get(match[1]) ?? []), match[2]]);
  }
  const name = info.get('pkgname')?.[0];
  const version = info.get('pkgver')?.[0];
  if (result.exitCode !== 0 || !name || !version) {
    throw new Error(
      `cannot read .PKGINFO of ${path}: ${result.lines.slice(-3).join(' ') || 'no pkgname or pkgver'}`,
    );
  }
  return {
    name,
    version,
    conflicts: info.get('conflict') ?? [],
    provides: info.get('provides') ?? [],
    groups: info.get('group') ?? [],
  };
}

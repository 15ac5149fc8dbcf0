import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { Client } from 'pg';

/** A throwaway PostgreSQL cluster owned by the `postgres` system user, on a free local port. */
export interface PostgresCluster {
  dir: string;
  port: number;
  binDir: string;
  /** URL of the maintenance database `postgres`. */
  adminUrl: string;
}

const POSTGRES_BIN_ROOT = '/usr/lib/postgresql';

export function findPostgresBinDir(): string {
  const versions = fs.existsSync(POSTGRES_BIN_ROOT)
    ? fs
        .readdirSync(POSTGRES_BIN_ROOT)
        .filter((entry) => fs.existsSync(path.join(POSTGRES_BIN_ROOT, entry, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      `PostgreSQL server binaries not found under ${POSTGRES_BIN_ROOT}/*/bin: install the Debian package ` +
        '"postgresql" (the server tests run against a real PostgreSQL and are never skipped).',
    );
  }
  return path.join(POSTGRES_BIN_ROOT, versions[0], 'bin');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(binDir: string, tool: string, args: string[]): void {
  // initdb refuses to run as root; the cluster belongs to the postgres system user.
  const command = process.getuid?.() === 0 ? 'runuser' : path.join(binDir, tool);
  const commandArgs =
    process.getuid?.() === 0 ? ['-u', 'postgres', '--', path.join(binDir, tool), ...args] : args;
  execFileSync(command, commandArgs, { stdio: 'pipe' });
}

export async function startPostgres(): Promise<PostgresCluster> {
  const binDir = findPostgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacman-sync-pg-'));
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const port = await freePort();
  try {
    asPostgres(binDir, 'initdb', [
      '-D',
      path.join(dir, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
    ]);
    asPostgres(binDir, 'pg_ctl', [
      '-D',
      path.join(dir, 'data'),
      '-o',
      `-k ${dir} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300`,
      '-l',
      path.join(dir, 'log'),
      '-w',
      'start',
    ]);
  } catch (error) {
    const log = fs.existsSync(path.join(dir, 'log')) ? fs.readFileSync(path.join(dir, 'log'), 'utf8') : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`Could not start PostgreSQL: ${(error as Error).message}\n${log}`, { cause: error });
  }
  return { dir, port, binDir, adminUrl: `postgresql://postgres@127.0.0.1:${port}/postgres` };
}

export function stopPostgres(cluster: Pick<PostgresCluster, 'dir' | 'binDir'>): void {
  try {
    asPostgres(cluster.binDir, 'pg_ctl', [
      '-D',
      path.join(cluster.dir, 'data'),
      '-m',
      'immediate',
      '-w',
      'stop',
    ]);
  } finally {
    fs.rmSync(cluster.dir, { recursive: true, force: true });
  }
}

/** A fresh, empty database on the cluster; returns its URL. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe database name ${name}`);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

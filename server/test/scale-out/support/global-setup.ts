import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { startPostgres } from '../../support/postgres';

import { REPO_ROOT } from './server-process';

/**
 * The e2e tests run the built server (`node server/dist/main.js`, the container's entry command), so they
 * build shared + server first — Nx's cache makes this a no-op when nothing changed — and start one
 * throwaway PostgreSQL cluster; each test file creates its own database in it.
 */
export default async function globalSetup(): Promise<void> {
  // PACMAN_SYNC_E2E_PREBUILT=1: the caller has just built (CI builds once for all targets).
  if (process.env.PACMAN_SYNC_E2E_PREBUILT !== '1') build();
  const cluster = await startPostgres();
  process.env.TEST_PG_ADMIN_URL = cluster.adminUrl;
  process.env.TEST_PG_DIR = cluster.dir;
  process.env.TEST_PG_BIN_DIR = cluster.binDir;
  process.env.TEST_PG_PORT = String(cluster.port);
}

function build(): void {
  try {
    execFileSync(
      path.join(REPO_ROOT, 'node_modules', '.bin', 'nx'),
      ['run', 'server:build', '--outputStyle=static'],
      { cwd: REPO_ROOT, stdio: 'pipe', env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } },
    );
  } catch (error) {
    const output = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`building the server failed:\n${output.stdout ?? ''}${output.stderr ?? ''}`, {
      cause: error,
    });
  }
}

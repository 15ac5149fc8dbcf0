import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { AppConfig, loadConfig } from '../../src/config/config';
import { createDatabase } from './postgres';

export type TestEngine = 'sqlite' | 'postgres';

export function testEngine(): TestEngine {
  const engine = process.env.DB_ENGINE ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'postgres')
    throw new Error(`DB_ENGINE must be sqlite or postgres, got ${engine}`);
  return engine;
}

/**
 * A config for one test file: a temporary DATA_DIR, and on PostgreSQL a fresh database in the cluster
 * global-setup.ts started. `cleanup` removes the directory.
 */
export async function testConfig(
  env: Record<string, string> = {},
): Promise<{ config: AppConfig; cleanup: () => void }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacman-sync-test-'));
  const base: Record<string, string> = { DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env };
  if (testEngine() === 'postgres') {
    const adminUrl = process.env.TEST_PG_ADMIN_URL;
    if (!adminUrl)
      throw new Error('DB_ENGINE=postgres but no cluster: run through the integration Jest config');
    base.DATABASE_TYPE = 'postgresql';
    base.DATABASE_URL = await createDatabase(adminUrl, `test_${randomBytes(6).toString('hex')}`);
  }
  return {
    config: loadConfig(base),
    cleanup: () => fs.rmSync(dataDir, { recursive: true, force: true }),
  };
}

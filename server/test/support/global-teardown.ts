import { stopPostgres } from './postgres';

export default async function globalTeardown(): Promise<void> {
  const dir = process.env.TEST_PG_DIR;
  const binDir = process.env.TEST_PG_BIN_DIR;
  if (dir && binDir) stopPostgres({ dir, binDir });
}

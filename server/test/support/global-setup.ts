import { startPostgres } from './postgres';

/** Starts one PostgreSQL cluster for a DB_ENGINE=postgres run; each test file creates its own database in it. */
export default async function globalSetup(): Promise<void> {
  if (process.env.DB_ENGINE !== 'postgres') return;
  const cluster = await startPostgres();
  process.env.TEST_PG_ADMIN_URL = cluster.adminUrl;
  process.env.TEST_PG_DIR = cluster.dir;
  process.env.TEST_PG_BIN_DIR = cluster.binDir;
}

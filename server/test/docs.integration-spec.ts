import * as fs from 'node:fs';

import { OPENAPI_FILE } from '../src/openapi/generate';
import { startTestApp, TestApp } from './support/test-app';
import { testEngine } from './support/test-database';

describe(`OpenAPI over HTTP on ${testEngine()}`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('serves Swagger UI at /api/docs and the committed document at /api/docs-json', async () => {
    const ui = await t.http.get('/api/docs').expect(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.text).toContain('swagger');
    const served = (await t.http.get('/api/docs-json').expect(200)).body;
    const committed = JSON.parse(fs.readFileSync(OPENAPI_FILE, 'utf8'));
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(committed.paths).sort());
    expect(served.components.schemas.ErrorResponseDto).toEqual(committed.components.schemas.ErrorResponseDto);
  });
});

import * as fs from 'node:fs';

import { generateOpenApi, OPENAPI_FILE } from './generate';

describe('openapi.json', () => {
  let generated: string;

  beforeAll(async () => {
    generated = await generateOpenApi();
  }, 60000);

  it('is up to date with the code (run `npm run openapi -w server` and commit the file)', () => {
    const committed = fs.existsSync(OPENAPI_FILE) ? fs.readFileSync(OPENAPI_FILE, 'utf8') : '';
    expect(committed === generated ? 'up to date' : 'stale: run npm run openapi -w server').toBe(
      'up to date',
    );
  });

  it('documents the error schema and clean operation ids', () => {
    const document = JSON.parse(generated);
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['ErrorResponseDto']));
    expect(document.paths['/api/pools'].post.operationId).toBe('createPool');
    const operationIds = Object.values(document.paths).flatMap((methods) =>
      Object.values(methods as Record<string, { operationId: string }>).map(
        (operation) => operation.operationId,
      ),
    );
    expect(new Set(operationIds).size).toBe(operationIds.length);
    expect(operationIds.filter((id) => id.includes('Controller_'))).toEqual([]);
  });
});

// `npm run openapi -w server`: boots the app without listening (SQLite in a temporary directory) and
// writes server/openapi.json, sorted, so the committed file only changes when the API does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { createApp } from '../app';
import { loadConfig } from '../config/config';
import { buildOpenApiDocument, serializeOpenApiDocument } from './openapi';

export const OPENAPI_FILE = path.resolve(__dirname, '..', '..', 'openapi.json');

export async function generateOpenApi(): Promise<string> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pacman-sync-openapi-'));
  try {
    const app = await createApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    try {
      return serializeOpenApiDocument(buildOpenApiDocument(app));
    } finally {
      await app.close();
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  generateOpenApi()
    .then((text) => {
      fs.writeFileSync(OPENAPI_FILE, text);
      process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}

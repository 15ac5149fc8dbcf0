/**
 * @jest-environment node
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The committed client must be exactly what ng-openapi-gen makes of the committed server/openapi.json: a
// changed API with a stale client fails here instead of at run time in someone's browser.
const adminUi = path.resolve(__dirname, '..', '..', '..');
const committedDir = path.join(adminUi, 'src/app/api/generated');

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
        : [`${prefix}${entry.name}`],
    )
    .sort();
}

describe('generated API client', () => {
  let outputDir: string;

  beforeAll(() => {
    outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ps-client-check-'));
    const config = JSON.parse(fs.readFileSync(path.join(adminUi, 'ng-openapi-gen.json'), 'utf8'));
    delete config.$schema;
    const configFile = path.join(outputDir, 'config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        ...config,
        input: path.resolve(adminUi, config.input),
        output: path.join(outputDir, 'generated'),
      }),
    );
    const cli = require.resolve('ng-openapi-gen/lib/index.js');
    execFileSync(process.execPath, [cli, '-c', configFile], { cwd: outputDir, stdio: 'pipe' });
  }, 60000);

  afterAll(() => fs.rmSync(outputDir, { recursive: true, force: true }));

  it('has the same files as a fresh generation from server/openapi.json', () => {
    expect(listFiles(committedDir)).toEqual(listFiles(path.join(outputDir, 'generated')));
  });

  it('has the same content in every file (run `npm run generate-client -w admin-ui` and commit)', () => {
    const stale = listFiles(committedDir).filter(
      (file) =>
        fs.readFileSync(path.join(committedDir, file), 'utf8') !==
        fs.readFileSync(path.join(outputDir, 'generated', file), 'utf8'),
    );
    expect(stale).toEqual([]);
  });
});

import * as fs from 'node:fs';

import { Logger } from '@nestjs/common';

const warned = new Set<string>();

/**
 * DATA_DIR holds the SQLite database (password and token hashes) and the generated JWT key, so only the
 * server's user may enter it: created with mode 0700. One that already exists is not changed (it may be
 * a directory the operator shares on purpose), but group or other access to it is logged once.
 */
export function preparePrivateDataDir(dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const mode = fs.statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0 && !warned.has(dataDir)) {
    warned.add(dataDir);
    new Logger('DataDir').warn(
      `${dataDir} is open to other users (mode ${mode.toString(8)}); it holds password and token hashes: ` +
        'chmod 700 it',
    );
  }
}

/**
 * Creates `file` with mode 0600 if it does not exist, and takes group and other access away if it does.
 * SQLite gives its -wal and -shm files the database file's mode, so they follow.
 */
export function preparePrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) fs.chmodSync(file, mode & 0o700);
}

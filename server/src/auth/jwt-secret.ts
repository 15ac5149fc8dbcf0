import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { preparePrivateDataDir } from '../common/private-data-dir';
import type { AppConfig } from '../config/config';

export const JWT_SECRET_FILE = 'jwt-secret';

/** Injection token of the {@link JwtSecretSource} the app signs and verifies sessions with. */
export const JWT_SECRET = Symbol('JWT_SECRET');

export interface JwtSecretSource {
  secret: string;
  origin: 'environment' | 'generated' | 'file';
  file: string | null;
}

/**
 * JWT_SECRET_KEY when set; otherwise the key kept in DATA_DIR/jwt-secret (mode 0600), created on the first
 * start. Instances that share a database must share one key (set JWT_SECRET_KEY on all of them), or a
 * session issued by one is refused by the others.
 */
export function loadOrCreateJwtSecret(config: Pick<AppConfig, 'jwtSecretKey' | 'dataDir'>): JwtSecretSource {
  if (config.jwtSecretKey !== null) return { secret: config.jwtSecretKey, origin: 'environment', file: null };
  const file = path.join(config.dataDir, JWT_SECRET_FILE);
  preparePrivateDataDir(config.dataDir);
  try {
    // `wx`: never overwrite a key another instance (or an earlier start) wrote.
    const secret = randomBytes(48).toString('base64url');
    fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, origin: 'generated', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by other users (mode ${mode.toString(8)}): chmod 600 it`);
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds no usable key (under 32 characters): remove it`);
  return { secret, origin: 'file', file };
}

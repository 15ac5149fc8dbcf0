import { createHash, randomBytes } from 'node:crypto';

const TOKEN_PREFIX = 'pse_';

/** A new endpoint token: 256 random bits, prefixed so it is recognisable in logs and secret scanners. */
export function generateEndpointToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Tokens are random and long, so a plain SHA-256 suffices (no slow KDF needed, unlike passwords). */
export function hashEndpointToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

import { createHash, randomBytes } from 'node:crypto';

export const API_TOKEN_PREFIX = 'psk_';
/** How much of the secret is kept in clear (prefix + 8 characters) to tell tokens apart. */
export const TOKEN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;

/** 256 random bits; the prefix tells API tokens from endpoint tokens (`pse_`) and sessions (JWT). */
export function generateApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** The secret is random and long, so SHA-256 is enough (a slow KDF protects only guessable secrets). */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

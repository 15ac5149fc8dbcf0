import { generateEndpointToken, hashEndpointToken } from './endpoint-token';

describe('endpoint tokens', () => {
  it('are 256 random bits, prefixed, and never repeat', () => {
    const tokens = new Set(Array.from({ length: 1000 }, generateEndpointToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^pse_[A-Za-z0-9_-]{43}$/);
  });

  it('hash to a stable SHA-256 hex digest that does not contain the token', () => {
    // FIPS 180-2 test vector for "abc".
    expect(hashEndpointToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashEndpointToken('pse_abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEndpointToken('pse_abc')).not.toBe(hashEndpointToken('pse_abd'));
  });
});

import { securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('is the header set helmet sets for the policy, computed once', () => {
    const headers = securityHeaders({
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
    });
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(Object.isFrozen(headers)).toBe(true);
    // helmet only removes X-Powered-By; nothing it removes may be left as an empty value
    expect(Object.values(headers).every((value) => value.length > 0)).toBe(true);
  });

  it('fails at start on a policy helmet refuses, instead of on every request', () => {
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'; script-src *"] } } }),
    ).toThrow(/content security policy|default-src|invalid/i);
  });
});

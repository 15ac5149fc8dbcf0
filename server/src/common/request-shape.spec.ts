import { ApiException } from './errors/api.exception';
import { assertSafeInputShape, MAX_INPUT_DEPTH } from './request-shape';

function nest(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { child: value };
  return value;
}

describe('assertSafeInputShape', () => {
  it('lets ordinary bodies through, nested as deep as the limit allows', () => {
    expect(() => assertSafeInputShape({ packages: [{ dependencies: ['a'] }] }, 'body')).not.toThrow();
    expect(() => assertSafeInputShape(nest(MAX_INPUT_DEPTH - 1), 'body')).not.toThrow();
    expect(() => assertSafeInputShape(undefined, 'body')).not.toThrow();
    expect(() => assertSafeInputShape(null, 'query')).not.toThrow();
  });

  it('refuses deeper input without recursing (100,000 levels)', () => {
    for (const depth of [MAX_INPUT_DEPTH + 1, 100_000]) {
      let thrown: unknown;
      try {
        assertSafeInputShape(nest(depth), 'body');
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ApiException);
      expect((thrown as ApiException).code).toBe('VALIDATION_ERROR');
    }
  });

  it.each([null, [], 1, 'text', true])('refuses the body %j, which is not an object', (body) => {
    expect(() => assertSafeInputShape(body, 'body')).toThrow(ApiException);
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key at any depth', (key) => {
    const poisoned = JSON.parse(`{"a": [{"${key}": {"admin": true}}]}`);
    expect(() => assertSafeInputShape(poisoned, 'query')).toThrow(ApiException);
  });
});

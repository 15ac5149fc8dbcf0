import { ApiException } from './errors/api.exception';
import {
  assertSafeInputShape,
  FORBIDDEN_CONTROL_CHARACTER,
  MAX_INPUT_DEPTH,
  mayHoldControlCharacters,
} from './request-shape';

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

  it.each(['\u0000', 'a\u0000b', '\u0007', '\u001b[31m', '\u007f', '\u0085', '\u009f'])(
    'refuses the control character in %j anywhere in the text, keys included',
    (text) => {
      expect(() => assertSafeInputShape({ packages: [{ dependencies: ['ok', text] }] }, 'body')).toThrow(
        /control character \(packages\.0\.dependencies\.1\)/,
      );
      expect(() => assertSafeInputShape({ search: text }, 'query')).toThrow(ApiException);
      expect(() => assertSafeInputShape({ [text]: 'x' }, 'body')).toThrow(ApiException);
    },
  );

  it('lets tab, line breaks and any other Unicode through, and skips strings when told the text is clean', () => {
    const text = 'line one\r\nline two\ttabbed – ünïcödé 😀 \u202e';
    expect(() => assertSafeInputShape({ description: text }, 'body')).not.toThrow();
    expect(() => assertSafeInputShape({ a: '\u0000' }, 'body', { checkText: false })).not.toThrow();
  });

  it('finds every forbidden character in JSON text that may hold one, so the exact check is never skipped wrongly', () => {
    for (let code = 0; code <= 0xff; code++) {
      const character = String.fromCharCode(code);
      const json = JSON.stringify({ value: `x${character}y` });
      if (FORBIDDEN_CONTROL_CHARACTER.test(character))
        expect({ code, found: mayHoldControlCharacters(json) }).toEqual({ code, found: true });
      // Hand-written escapes, as a client other than JSON.stringify may send them.
      const escaped = `{"value": "\\u${code.toString(16).padStart(4, '0').toUpperCase()}"}`;
      if (FORBIDDEN_CONTROL_CHARACTER.test(character))
        expect({ code, found: mayHoldControlCharacters(escaped) }).toEqual({ code, found: true });
    }
    expect(
      mayHoldControlCharacters(JSON.stringify({ name: 'linux', description: 'a\nb\tc "quoted" \\ back' })),
    ).toBe(false);
  });
});

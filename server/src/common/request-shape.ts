import { ApiException } from './errors/api.exception';

/** Deeper than any request body or query of the API (state reports nest 3 levels); generous on purpose. */
export const MAX_INPUT_DEPTH = 32;
// Keys that reach object prototypes. secure-json-parse already refuses `__proto__` and
// `constructor.prototype` in JSON; a plain `constructor` key and query strings are caught here, because
// class-validator's whitelist does not report them as unknown properties.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The one rule for text, anywhere in a body or a query string, keys included: no control characters but
 * tab, line feed and carriage return (no NUL, which PostgreSQL cannot store and SQLite cut filters at; no
 * escape sequences for terminals and log viewers; no DEL or C1 controls). Names have a stricter rule of
 * their own (validators.ts IsName).
 */
// eslint-disable-next-line no-control-regex
export const FORBIDDEN_CONTROL_CHARACTER = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

// JSON text can hold a forbidden character only as one of these escapes, or raw (DEL and C1 need no
// escape). A body whose text has none of them is clean without looking at each of its strings, which for a
// 20,000-package report would cost more than the rest of the walk. `\\b` or `\\u0000` written with an
// escaped backslash also match here: they only cost the exact check.
const MAY_HOLD_CONTROL_CHARACTER =
  /\\(?:u00[01][0-9a-fA-F]|u007[fF]|u00[89][0-9a-fA-F]|[bf])|[\u007f-\u009f]/;

/** Whether a JSON body's text needs its strings checked one by one (see assertSafeInputShape). */
export function mayHoldControlCharacters(jsonText: string): boolean {
  return MAY_HOLD_CONTROL_CHARACTER.test(jsonText);
}

/**
 * Refuses input nested deeper than MAX_INPUT_DEPTH (class-transformer recurses and would overflow the
 * stack: a 500), carrying prototype keys, or text with a control character (FORBIDDEN_CONTROL_CHARACTER),
 * with the usual 400 VALIDATION_ERROR. Iterative, so the check itself cannot overflow. `checkText: false`
 * skips the text rule for a body whose raw text was found clean.
 */
export function assertSafeInputShape(
  value: unknown,
  where: 'body' | 'query',
  options: { checkText: boolean } = { checkText: true },
): void {
  // Every request body of the API is a JSON object; `null`, `[]`, `1` or `"x"` would reach DTO validation as
  // something other than an object, which class-validator lets through untouched.
  if (
    where === 'body' &&
    value !== undefined &&
    (value === null || typeof value !== 'object' || Array.isArray(value))
  ) {
    throw ApiException.validation('Invalid request: the body must be a JSON object', [
      { field: 'body', messages: ['must be a JSON object'] },
    ]);
  }
  // Each entry links to its parent, and the dotted path is spelled out only for an error: building it for
  // every node of a 1,500-package report cost more than the walk itself.
  const stack: InputNode[] = [{ node: value, depth: 0, key: where, parent: null }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { node, depth } = entry;
    if (typeof node === 'string') {
      if (options.checkText && FORBIDDEN_CONTROL_CHARACTER.test(node)) refuseControlCharacter(entry, where);
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw ApiException.validation(
        `Invalid request: ${where} is nested deeper than ${MAX_INPUT_DEPTH} levels`,
        [{ field: pathOf(entry), messages: [`nested deeper than ${MAX_INPUT_DEPTH} levels`] }],
      );
    }
    for (const key of Object.keys(node)) {
      if (options.checkText && FORBIDDEN_CONTROL_CHARACTER.test(key)) {
        refuseControlCharacter({ node: key, depth, key: '(key)', parent: entry }, where);
      }
      if (PROTOTYPE_KEYS.has(key)) {
        throw ApiException.validation(`Invalid request: ${where} has a forbidden key "${key}"`, [
          { field: `${pathOf(entry)}.${key}`, messages: [`property ${key} is not allowed`] },
        ]);
      }
      stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1, key, parent: entry });
    }
  }
}

function refuseControlCharacter(entry: InputNode, where: 'body' | 'query'): never {
  const field = pathOf(entry).replace(/^(body|query)\./, '');
  throw ApiException.validation(`Invalid request: ${where} text holds a control character (${field})`, [
    {
      field,
      messages: ['must not contain control characters (NUL, escapes…); tab and line breaks are fine'],
    },
  ]);
}

interface InputNode {
  node: unknown;
  depth: number;
  key: string;
  parent: InputNode | null;
}

function pathOf(entry: InputNode): string {
  const keys: string[] = [];
  for (let current: InputNode | null = entry; current; current = current.parent) keys.push(current.key);
  return keys.reverse().join('.');
}

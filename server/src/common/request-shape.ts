import { ApiException } from './errors/api.exception';

/** Deeper than any request body or query of the API (state reports nest 3 levels); generous on purpose. */
export const MAX_INPUT_DEPTH = 32;
// Keys that reach object prototypes. secure-json-parse already refuses `__proto__` and
// `constructor.prototype` in JSON; a plain `constructor` key and query strings are caught here, because
// class-validator's whitelist does not report them as unknown properties.
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Refuses input nested deeper than MAX_INPUT_DEPTH (class-transformer recurses and would overflow the
 * stack: a 500) or carrying prototype keys, with the usual 400 VALIDATION_ERROR. Iterative, so the
 * check itself cannot overflow.
 */
export function assertSafeInputShape(value: unknown, where: 'body' | 'query'): void {
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
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) {
      throw ApiException.validation(
        `Invalid request: ${where} is nested deeper than ${MAX_INPUT_DEPTH} levels`,
        [{ field: pathOf(entry), messages: [`nested deeper than ${MAX_INPUT_DEPTH} levels`] }],
      );
    }
    for (const key of Object.keys(node)) {
      if (PROTOTYPE_KEYS.has(key)) {
        throw ApiException.validation(`Invalid request: ${where} has a forbidden key "${key}"`, [
          { field: `${pathOf(entry)}.${key}`, messages: [`property ${key} is not allowed`] },
        ]);
      }
      stack.push({ node: (node as Record<string, unknown>)[key], depth: depth + 1, key, parent: entry });
    }
  }
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

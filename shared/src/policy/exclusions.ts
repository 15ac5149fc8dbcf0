import { FOREIGN_REPOSITORY, type PackageState, type SyncPolicy } from '../domain/types';

// Glob patterns of a pool's `exclude_packages`: `*` (any run, also empty), `?` (one character), and bracket
// classes `[abc]`, `[a-z]`, `[!x]` (also `[^x]`). A `]` right after `[` or `[!` is a member, a `-` first or
// last is a member, as in fnmatch(3). There is no backslash escape: package names never contain glob
// characters, so a `\` is an ordinary character. Matching is case-sensitive, as pacman's names are.
//
// Patterns come from users, so they are never turned into a RegExp: the matcher below walks the name once
// per `*` backtrack point, O(name × pattern) at worst, where a regular expression can go exponential.

export const MAX_EXCLUSION_PATTERN_LENGTH = 255;

/** Why `pattern` is not a usable exclusion pattern, or null when it is. */
export function exclusionPatternError(pattern: unknown): string | null {
  if (typeof pattern !== 'string') return 'must be a string';
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_EXCLUSION_PATTERN_LENGTH) {
    return `must be at most ${MAX_EXCLUSION_PATTERN_LENGTH} characters`;
  }
  for (let i = 0; i < pattern.length; i++) {
    const code = pattern.charCodeAt(i);
    if (code < 0x21 || code > 0x7e)
      return `must be printable ASCII without spaces (bad character at ${i + 1})`;
  }
  try {
    parsePattern(pattern);
  } catch (error) {
    return (error as Error).message;
  }
  return null;
}

export function isValidExclusionPattern(pattern: unknown): boolean {
  return exclusionPatternError(pattern) === null;
}

/**
 * Compiles the patterns once into a predicate "is this package name excluded". Throws an Error naming the
 * pattern when one is invalid (see exclusionPatternError).
 */
export function compileExclusions(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  const globs: Token[][] = [];
  for (const pattern of patterns) {
    const problem = exclusionPatternError(pattern);
    if (problem !== null) throw new Error(`Invalid exclusion pattern ${JSON.stringify(pattern)}: ${problem}`);
    const tokens = parsePattern(pattern);
    // Most real patterns are a name or `prefix*` (linux*, nvidia*): those skip the general matcher.
    const firstWildcard = tokens.findIndex((token) => typeof token !== 'number');
    if (firstWildcard === -1) exact.add(pattern);
    else if (firstWildcard === tokens.length - 1 && tokens[firstWildcard] === STAR) {
      prefixes.push(String.fromCharCode(...(tokens.slice(0, firstWildcard) as number[])));
    } else globs.push(tokens);
  }
  if (exact.size === 0 && prefixes.length === 0 && globs.length === 0) return () => false;
  return (name) => {
    if (exact.has(name)) return true;
    for (const prefix of prefixes) if (name.startsWith(prefix)) return true;
    for (const tokens of globs) if (matchTokens(tokens, name)) return true;
    return false;
  };
}

/**
 * Whether a package takes part in diff, status, plan and analysis under `policy`: foreign packages only
 * with include_aur, excluded names never.
 */
export function packageCounts(
  pkg: Pick<PackageState, 'package_name' | 'repository'>,
  policy: SyncPolicy,
): boolean {
  return compilePackageFilter(policy)(pkg.package_name, pkg.repository);
}

/** The policy's rule as one predicate over (name, repository); compiled once per policy and cached. */
export function compilePackageFilter(policy: SyncPolicy): (name: string, repository: string) => boolean {
  const key = policy.exclude_packages.join('\n');
  const cached = filterCache.get(policy);
  // The key guards against a policy object whose fields were changed after it was first compiled.
  if (cached && cached.key === key && cached.includeAur === policy.include_aur) return cached.filter;
  const isExcluded = compileExclusions(policy.exclude_packages);
  const includeAur = policy.include_aur;
  const filter = (name: string, repository: string) =>
    (includeAur || repository !== FOREIGN_REPOSITORY) && !isExcluded(name);
  filterCache.set(policy, { key, includeAur, filter });
  return filter;
}

const filterCache = new WeakMap<
  SyncPolicy,
  { key: string; includeAur: boolean; filter: (name: string, repository: string) => boolean }
>();

// A token is a literal character code (number), ANY (`?`), STAR (`*`), or a character class.
const ANY = 'any';
const STAR = 'star';
interface CharClass {
  negated: boolean;
  /** Inclusive [from, to] code pairs, flattened. */
  ranges: number[];
}
type Token = number | typeof ANY | typeof STAR | CharClass;

function parsePattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') {
      // Consecutive stars mean the same as one and would only add backtracking points.
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (char === '?') tokens.push(ANY);
    else if (char === '[') {
      const parsed = parseClass(pattern, i);
      tokens.push(parsed.charClass);
      i = parsed.end;
    } else if (char === ']') throw new Error(`unopened "]" at position ${i + 1}`);
    else tokens.push(pattern.charCodeAt(i));
  }
  return tokens;
}

function parseClass(pattern: string, open: number): { charClass: CharClass; end: number } {
  let i = open + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const ranges: number[] = [];
  let first = true;
  for (; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === ']' && !first) return { charClass: { negated, ranges }, end: i };
    first = false;
    const from = pattern.charCodeAt(i);
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      const to = pattern.charCodeAt(i + 2);
      if (to < from) throw new Error(`reversed range "${pattern.slice(i, i + 3)}" at position ${i + 1}`);
      ranges.push(from, to);
      i += 2;
    } else ranges.push(from, from);
  }
  throw new Error(`unclosed "[" at position ${open + 1}`);
}

function matchesOne(token: Token, code: number): boolean {
  if (typeof token === 'number') return token === code;
  if (token === ANY) return true;
  if (token === STAR) return false;
  let inside = false;
  for (let r = 0; r < token.ranges.length; r += 2) {
    if (code >= token.ranges[r] && code <= token.ranges[r + 1]) {
      inside = true;
      break;
    }
  }
  return inside !== token.negated;
}

/**
 * Greedy match remembering only the latest `*`: when a later part fails, that star absorbs one more
 * character. Earlier stars never need revisiting because the latest one can absorb anything they could.
 */
function matchTokens(tokens: Token[], name: string): boolean {
  let t = 0;
  let n = 0;
  let starToken = -1;
  let starName = 0;
  while (n < name.length) {
    if (t < tokens.length && tokens[t] === STAR) {
      starToken = t++;
      starName = n;
    } else if (t < tokens.length && matchesOne(tokens[t], name.charCodeAt(n))) {
      t++;
      n++;
    } else if (starToken >= 0) {
      t = starToken + 1;
      n = ++starName;
    } else return false;
  }
  while (t < tokens.length && tokens[t] === STAR) t++;
  return t === tokens.length;
}

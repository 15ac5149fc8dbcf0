import { FOREIGN_REPOSITORY, type PackageState, type SyncPolicy } from '../domain/types';

// Glob patterns of a pool's `exclude_packages` and `override_holds`: `*` (any run, also empty), `?` (one
// character), and bracket classes `[abc]`, `[a-z]`, `[!x]` (also `[^x]`). A `]` right after `[` or `[!` is a
// member, a `-` first or last is a member, as in fnmatch(3). There is no backslash escape: package names never
// contain glob characters, so a `\` is an ordinary character. Matching is case-sensitive, as pacman's names are.
//
// pacman's own patterns (IgnorePkg, IgnoreGroup) are another dialect of the same matcher: fnmatch(3) with no
// flags, as libalpm calls it (see compilePacmanPatterns).
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
 * pacman's IgnorePkg and IgnoreGroup values as libalpm matches them (alpm_pkg_should_ignore): fnmatch(3)
 * without flags, a name being held when ANY value matches. pacman 6 and 7 have no `!` exemption there, so
 * `!foo` is the literal name "!foo". glibc's rules apply: `\` quotes the next character (a trailing `\`
 * matches nothing), an unterminated `[` is an ordinary character, a bracket expression takes `!` or `^`, ranges,
 * `\` quotes and the POSIX classes (`[:digit:]`, …, as in the C locale; an unknown class matches nothing),
 * and `[=c=]` or `[.c.]` stand for c. It never throws: every value pacman accepts is matched as pacman does.
 * Returns the first value in configuration order that matches, or null.
 */
export function compilePacmanPatterns(patterns: readonly string[]): (name: string) => string | null {
  const compiled = patterns.map((pattern) => ({ pattern, tokens: parseFnmatch(pattern) }));
  return (name) => {
    for (const { pattern, tokens } of compiled) {
      if (tokens !== null && matchTokens(tokens, name)) return pattern;
    }
    return null;
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

/** fnmatch(3)'s reading of a pattern (flags 0, C locale); null when the pattern can match nothing. */
function parseFnmatch(pattern: string): Token[] | null {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      if (i + 1 === pattern.length) return null;
      tokens.push(pattern.charCodeAt(++i));
    } else if (char === '*') {
      if (tokens[tokens.length - 1] !== STAR) tokens.push(STAR);
    } else if (char === '?') tokens.push(ANY);
    else if (char === '[') {
      const parsed = parseFnmatchClass(pattern, i);
      if (parsed === 'never') return null;
      if (parsed === null) tokens.push(pattern.charCodeAt(i));
      else {
        tokens.push(parsed.charClass);
        i = parsed.end;
      }
    } else tokens.push(pattern.charCodeAt(i));
  }
  return tokens;
}

// The POSIX classes as the C locale defines them, as inclusive [from, to] code pairs.
const POSIX_CLASSES: Readonly<Record<string, readonly number[]>> = {
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  digit: [0x30, 0x39],
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  upper: [0x41, 0x5a],
  lower: [0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
  space: [0x09, 0x0d, 0x20, 0x20],
  blank: [0x09, 0x09, 0x20, 0x20],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  print: [0x20, 0x7e],
  graph: [0x21, 0x7e],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
};

/**
 * A bracket expression from `open` (the `[`): the class and the index of its `]`; null when it is not
 * terminated (the `[` is then an ordinary character); 'never' when glibc would match nothing with it.
 */
function parseFnmatchClass(
  pattern: string,
  open: number,
): { charClass: CharClass; end: number } | null | 'never' {
  let i = open + 1;
  const negated = pattern[i] === '!' || pattern[i] === '^';
  if (negated) i++;
  const ranges: number[] = [];
  let unknownClass = false;
  // One member at i: its code and the index of its last character, or null at the end of the pattern.
  const member = (at: number): { code: number; last: number } | null => {
    if (at >= pattern.length) return null;
    const char = pattern[at];
    if (char === '\\')
      return at + 1 < pattern.length ? { code: pattern.charCodeAt(at + 1), last: at + 1 } : null;
    if (char === '[' && (pattern[at + 1] === '=' || pattern[at + 1] === '.')) {
      const close = `${pattern[at + 1]}]`;
      if (pattern.slice(at + 3, at + 5) === close) return { code: pattern.charCodeAt(at + 2), last: at + 4 };
    }
    return { code: pattern.charCodeAt(at), last: at };
  };
  for (let first = true; i < pattern.length; first = false) {
    if (pattern[i] === ']' && !first) {
      return unknownClass ? 'never' : { charClass: { negated, ranges }, end: i };
    }
    if (pattern[i] === '[' && pattern[i + 1] === ':') {
      const close = pattern.indexOf(':]', i + 2);
      if (close !== -1) {
        const name = pattern.slice(i + 2, close);
        if (Object.hasOwn(POSIX_CLASSES, name)) ranges.push(...POSIX_CLASSES[name]);
        else unknownClass = true;
        i = close + 2;
        continue;
      }
    }
    const from = member(i);
    if (from === null) return null;
    if (pattern[from.last + 1] === '-' && pattern[from.last + 2] !== ']') {
      const to = member(from.last + 2);
      if (to === null) return null;
      // A reversed range is empty, as in glibc: it matches nothing and is no error.
      if (to.code >= from.code) ranges.push(from.code, to.code);
      i = to.last + 1;
    } else {
      ranges.push(from.code, from.code);
      i = from.last + 1;
    }
  }
  return null;
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

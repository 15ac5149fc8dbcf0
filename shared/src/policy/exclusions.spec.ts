import { DEFAULT_SYNC_POLICY, FOREIGN_REPOSITORY, type SyncPolicy } from '../domain/types';
import {
  compileExclusions,
  compilePacmanPatterns,
  compilePackageFilter,
  exclusionPatternError,
  isValidExclusionPattern,
  packageCounts,
} from './exclusions';

const policy = (overrides: Partial<SyncPolicy>): SyncPolicy => ({ ...DEFAULT_SYNC_POLICY, ...overrides });

describe('compileExclusions', () => {
  const NAMES = [
    'linux',
    'linux-lts',
    'linux-firmware',
    'linux-headers',
    'lib32-glibc',
    'nvidia',
    'nvidia-utils',
    'lib32-nvidia-utils',
    'glibc',
    'python-numpy',
    'python2-six',
    'xorg-server',
    'qt5-base',
    'qt6-base',
    'a',
    'ab',
    'abc',
  ];
  const matching = (patterns: string[]) => NAMES.filter(compileExclusions(patterns));

  it('matches a plain name exactly and nothing else', () => {
    expect(matching(['linux'])).toEqual(['linux']);
    expect(matching(['linu'])).toEqual([]);
  });

  it('matches prefix patterns such as linux* and nvidia*', () => {
    expect(matching(['linux*'])).toEqual(['linux', 'linux-lts', 'linux-firmware', 'linux-headers']);
    expect(matching(['nvidia*'])).toEqual(['nvidia', 'nvidia-utils']);
    expect(matching(['linux*', 'nvidia*'])).toEqual([
      'linux',
      'linux-lts',
      'linux-firmware',
      'linux-headers',
      'nvidia',
      'nvidia-utils',
    ]);
  });

  it('supports * anywhere, also several times', () => {
    expect(matching(['*nvidia*'])).toEqual(['nvidia', 'nvidia-utils', 'lib32-nvidia-utils']);
    expect(matching(['*-utils'])).toEqual(['nvidia-utils', 'lib32-nvidia-utils']);
    expect(matching(['lib32-*'])).toEqual(['lib32-glibc', 'lib32-nvidia-utils']);
    expect(matching(['*i*a*'])).toEqual([
      'linux-firmware',
      'linux-headers',
      'nvidia',
      'nvidia-utils',
      'lib32-nvidia-utils',
    ]);
    expect(matching(['*'])).toEqual(NAMES);
    expect(matching(['linux**'])).toEqual(matching(['linux*']));
  });

  it('treats ? as exactly one character', () => {
    expect(matching(['a?'])).toEqual(['ab']);
    expect(matching(['qt?-base'])).toEqual(['qt5-base', 'qt6-base']);
    expect(matching(['?'])).toEqual(['a']);
    expect(matching(['linux-???'])).toEqual(['linux-lts']);
  });

  it('supports bracket classes, ranges and negation', () => {
    expect(matching(['qt[5]-base'])).toEqual(['qt5-base']);
    expect(matching(['qt[0-9]-base'])).toEqual(['qt5-base', 'qt6-base']);
    expect(matching(['qt[!5]-base'])).toEqual(['qt6-base']);
    expect(matching(['qt[^5]-base'])).toEqual(['qt6-base']);
    expect(matching(['python[0-9]-*'])).toEqual(['python2-six']);
    expect(matching(['python[!0-9]*'])).toEqual(['python-numpy']);
    expect(matching(['[ab]'])).toEqual(['a']);
    expect(matching(['[a-c][a-c]*'])).toEqual(['ab', 'abc']);
  });

  it('takes ] first in a class and - first or last as members', () => {
    const isExcluded = compileExclusions(['x[]]', 'y[-a]', 'z[a-]', 'w[!]]']);
    expect(['x]', 'y-', 'ya', 'z-', 'za', 'wq'].every(isExcluded)).toBe(true);
    expect(['xa', 'yb', 'zb', 'w]'].some(isExcluded)).toBe(false);
  });

  it('excludes nothing with no patterns', () => {
    expect(matching([])).toEqual([]);
  });

  it('throws a clear error naming an invalid pattern', () => {
    expect(() => compileExclusions(['linux*', 'qt[5'])).toThrow(
      'Invalid exclusion pattern "qt[5": unclosed "["',
    );
    expect(() => compileExclusions([''])).toThrow('must not be empty');
    expect(() => compileExclusions(['[z-a]'])).toThrow('reversed range "z-a"');
    expect(() => compileExclusions(['a]'])).toThrow('unopened "]"');
  });

  it('answers patterns built to make a backtracking regex explode', () => {
    // With a RegExp these take exponential time and the test would hit Jest's timeout; the matcher's
    // worst case is name length x pattern length.
    const name = 'a'.repeat(255);
    const isExcluded = compileExclusions([
      'a*'.repeat(60) + 'b',
      '*a*a*a*a*a*a*a*a*a*a*a*a*a*c',
      '[!b]*?*?*?*?*?*?*?*?*b',
    ]);
    expect(isExcluded(name)).toBe(false);
    expect(isExcluded(name + 'b')).toBe(true);
    expect(isExcluded('a'.repeat(100) + 'c')).toBe(true);
  });

  it('agrees with a brute-force reference matcher on random patterns', () => {
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = (items: string[]) => items[Math.floor(random() * items.length)];
    const reference = (pattern: string, name: string): boolean => {
      if (pattern === '') return name === '';
      if (pattern[0] === '*')
        return [...Array(name.length + 1).keys()].some((k) => reference(pattern.slice(1), name.slice(k)));
      if (name === '') return false;
      if (pattern[0] === '?' || pattern[0] === name[0]) return reference(pattern.slice(1), name.slice(1));
      return false;
    };
    for (let round = 0; round < 2_000; round++) {
      const pattern = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        pick(['a', 'b', '*', '?']),
      ).join('');
      const name = Array.from({ length: Math.floor(random() * 7) }, () => pick(['a', 'b'])).join('');
      expect([pattern, name, compileExclusions([pattern])(name)]).toEqual([
        pattern,
        name,
        reference(pattern, name),
      ]);
    }
  });
});

describe('exclusion pattern validation', () => {
  it('accepts ordinary globs', () => {
    for (const pattern of [
      'linux*',
      'nvidia*',
      'lib32-*',
      'qt[56]-*',
      'python-?',
      '[!a-z]*',
      '*',
      'a'.repeat(255),
    ]) {
      expect([pattern, exclusionPatternError(pattern)]).toEqual([pattern, null]);
      expect(isValidExclusionPattern(pattern)).toBe(true);
    }
  });

  it('rejects hostile or malformed patterns with a reason', () => {
    const cases: Array<[unknown, string]> = [
      ['', 'must not be empty'],
      ['a'.repeat(256), 'at most 255'],
      ['linux *', 'printable ASCII'],
      ['linux\n*', 'printable ASCII'],
      ['lin\u0000ux', 'printable ASCII'],
      ['lïnux', 'printable ASCII'],
      ['[abc', 'unclosed "["'],
      ['[!]', 'unclosed "["'],
      ['abc]', 'unopened "]"'],
      ['[9-0]', 'reversed range'],
      [42, 'must be a string'],
      [null, 'must be a string'],
    ];
    for (const [pattern, reason] of cases) {
      expect(exclusionPatternError(pattern)).toContain(reason);
      expect(isValidExclusionPattern(pattern)).toBe(false);
    }
  });
});

describe('packageCounts', () => {
  const repoPkg = { package_name: 'firefox', repository: 'extra' };
  const aurPkg = { package_name: 'yay', repository: FOREIGN_REPOSITORY };

  it('counts foreign packages only when include_aur is on', () => {
    expect(packageCounts(aurPkg, policy({ include_aur: false }))).toBe(false);
    expect(packageCounts(aurPkg, policy({ include_aur: true }))).toBe(true);
    expect(packageCounts(repoPkg, policy({ include_aur: false }))).toBe(true);
  });

  it('never counts excluded names, foreign or not', () => {
    const excluding = policy({ include_aur: true, exclude_packages: ['fire*', 'ya?'] });
    expect(packageCounts(repoPkg, excluding)).toBe(false);
    expect(packageCounts(aurPkg, excluding)).toBe(false);
    expect(packageCounts({ package_name: 'glibc', repository: 'core' }, excluding)).toBe(true);
  });

  it('notices a policy object that was changed after its first use', () => {
    const mutable = policy({ exclude_packages: [] });
    expect(packageCounts(repoPkg, mutable)).toBe(true);
    mutable.exclude_packages = ['firefox'];
    expect(packageCounts(repoPkg, mutable)).toBe(false);
    mutable.include_aur = true;
    expect(compilePackageFilter(mutable)('yay', FOREIGN_REPOSITORY)).toBe(true);
  });
});

describe('compilePacmanPatterns (IgnorePkg, IgnoreGroup)', () => {
  it("matches as glibc's fnmatch(3) does without flags, as libalpm calls it", () => {
    // Each expectation is what glibc 2.36's fnmatch(pattern, name, 0) answered; the adapter's integration
    // test checks a set of them against pacman's own "[ignored]" marks as well.
    const cases: Array<[string, string, boolean]> = [
      ['linux*', 'linux-lts', true],
      ['linux*', 'lin', false],
      ['\\linux', 'linux', true],
      ['lin\\', 'lin', false],
      ['lin\\', 'lin\\', false],
      ['a[', 'a[', true],
      ['a[]', 'a[]', true],
      ['a[]]', 'a]', true],
      ['[]a]*', 'a]x', true],
      ['[!]a]*', 'a]x', false],
      ['[!]a]*', 'b]', true],
      ['[^a-c]*', 'ab', false],
      ['[^a-c]*', 'x', true],
      ['[c-a]*', 'b', false],
      ['[[:digit:]]*', '1b', true],
      ['[[:digit:]]*', 'ab', false],
      ['[[:alpha:]]b', 'ab', true],
      ['[[:foo:]]*', 'ab', false],
      ['[![:foo:]]*', 'ab', false],
      ['a[\\]]', 'a]', true],
      ['a[\\', 'a[\\', false],
      ['a[\\', 'a\\', false],
      ['[=a=]b', 'ab', true],
      ['[.a.]b', 'ab', true],
      ['qt?-base', 'qt5-base', true],
      ['a[b-]', 'a-', true],
      ['[a-]x', '-x', true],
      ['!linux', 'linux', false],
      ['!linux', '!linux', true],
      ['*\\*', 'x*', true],
      ['*\\*', 'x', false],
      ['lib[!y]*', 'libx', true],
      ['lib[!y]*', 'liby', false],
      ['a[z-\\]]', 'a^', false],
      ['[', '[', true],
      ['[!', '[!', true],
      ['[]', '[]', true],
      ['\\[a]', '[a]', true],
      ['\\[a]', 'a', false],
      ['[[:alpha:]', '[', false],
      ['[[:alpha:]', 'a', false],
      ['?', '', false],
      ['*', '', true],
      ['a*b*c', 'aXbYc', true],
    ];
    const answers = cases.map(([pattern, name]) => compilePacmanPatterns([pattern])(name) !== null);
    expect(answers).toEqual(cases.map(([, , expected]) => expected));
  });

  it('answers with the first value that matches, in configuration order', () => {
    const heldBy = compilePacmanPatterns(['nvidia*', 'linux', 'linux*']);
    expect(heldBy('linux')).toBe('linux');
    expect(heldBy('linux-lts')).toBe('linux*');
    expect(heldBy('nvidia-utils')).toBe('nvidia*');
    expect(heldBy('glibc')).toBeNull();
    expect(compilePacmanPatterns([])('linux')).toBeNull();
  });

  it('stays linear on a hostile pattern', () => {
    const pattern = `${'*a'.repeat(200)}b`;
    expect(compilePacmanPatterns([pattern])('a'.repeat(255))).toBeNull();
  });
});

import {
  ARCHITECTURE_MAX_LENGTH,
  ARCHITECTURE_PATTERN,
  assertValidArchitecture,
  assertValidPackageName,
  assertValidPackageVersion,
  assertValidRepositoryName,
  isValidArchitecture,
  isValidPackageName,
  isValidPackageVersion,
  isValidRepositoryName,
  PACKAGE_NAME_MAX_LENGTH,
  PACKAGE_NAME_MESSAGE,
  PACKAGE_NAME_PATTERN,
  PACKAGE_VERSION_MAX_LENGTH,
  PACKAGE_VERSION_MESSAGE,
  PACKAGE_VERSION_PATTERN,
  PackageRuleError,
  REPOSITORY_NAME_MAX_LENGTH,
  REPOSITORY_NAME_PATTERN,
} from './package-rules';

// Real names from the Arch repositories and the AUR.
const REAL_NAMES = [
  'glibc',
  'lib32-glibc',
  'python-pyqt5',
  'gtk2+extra',
  'libc++',
  'nvidia-470xx-dkms',
  'r8168@foo',
  'xorg-server',
  'python3.12',
  'go_1.22',
  '0ad',
  '9base',
  '@scope',
  '+plus',
  '_underscore',
  'a',
];

// Names that must never reach pacman as a target: options, stdin, repo/name, version constraints,
// paths, URLs, look-alikes, control characters.
const HOSTILE_NAMES = [
  '',
  '-',
  '--',
  '--root=/',
  '-Syu',
  '-Rns',
  '.',
  '..',
  '../x',
  '.hidden',
  'repo/x',
  'core/glibc',
  '/etc/passwd',
  './pkg.tar.zst',
  'x>=1',
  'x<1',
  'x=1.0-1',
  'x>1',
  'https://evil.example/x.pkg.tar.zst',
  'file:///tmp/x.pkg.tar.zst',
  'x y',
  ' x',
  'x ',
  'x\ty',
  'x\n',
  '\nx',
  'x\ny',
  'x\r',
  'x\0',
  'x\0y',
  'x;rm -rf /',
  'x$(id)',
  'x`id`',
  'x|y',
  'x*',
  'x?',
  'x~',
  'x:y',
  "x'y",
  'x"y',
  'x\\y',
  'glibс', // Cyrillic с
  'pаcman', // Cyrillic а
  'ｇｌｉｂｃ', // fullwidth letters
  'glibc\u200b', // zero-width space
  'glibc\u00a0', // no-break space
  'é',
  'x'.repeat(PACKAGE_NAME_MAX_LENGTH + 1),
  'x'.repeat(10_000),
];

const REAL_VERSIONS = [
  '1:2.3.4-1',
  '2024.11.30.r12.gabcdef-1',
  '6.11.9.arch1-1',
  '1.2.3+4-2.1',
  '2.40-1',
  '1.0-1',
  '0-1',
  '1.0rc1-3',
  '1.0_beta2-1',
  '1.0~rc1-1',
  '20240101-1',
  '5.2.037-2',
  '2:1.2.3.r45.g0123abc-10',
  '0:1-1',
  'r12.abc!def%,;<=>?@[]^_`{|}~\'"#$&()*+-1',
];

const HOSTILE_VERSIONS = [
  '',
  '-',
  '1.0',
  '1.0-',
  '-1',
  '1.0-1.2.3',
  '1.0-a',
  '1.0-1a',
  '1.0-.1',
  '1.0-1.',
  '1.0-01.',
  '1.0--1',
  '1-0-1',
  '.1.0-1',
  '1:.1.0-1',
  '1:2:3-1',
  '1.0:2-1',
  ':1.0-1',
  'a:1.0-1',
  '1a:1.0-1',
  '-1:1.0-1',
  '1.0/2-1',
  '../../etc-1',
  '1.0 -1',
  '1.0-1 ',
  ' 1.0-1',
  '1.0\t-1',
  '1.0-1\n',
  '1.0\n-1',
  '\n1.0-1',
  '1.0-1\r',
  '1.0\0-1',
  '1.0-1\0',
  '1.0\x7f-1',
  '1.0é-1',
  '1.0а-1', // Cyrillic а
  '１.0-1', // fullwidth digit
  '1.0-１', // fullwidth pkgrel
  '1.0-1\u200b',
  `${'1'.repeat(PACKAGE_VERSION_MAX_LENGTH - 1)}-1`,
  `${'1'.repeat(100_000)}-1`,
];

describe('package name rule', () => {
  it.each(REAL_NAMES)('accepts the real name %j', (name) => {
    expect(isValidPackageName(name)).toBe(true);
    expect(() => assertValidPackageName(name)).not.toThrow();
  });

  it.each(HOSTILE_NAMES)('rejects the hostile name %j', (name) => {
    expect(isValidPackageName(name)).toBe(false);
    expect(() => assertValidPackageName(name)).toThrow(PackageRuleError);
  });

  it('accepts exactly 255 characters and no more', () => {
    expect(isValidPackageName('x'.repeat(PACKAGE_NAME_MAX_LENGTH))).toBe(true);
    expect(isValidPackageName('x'.repeat(PACKAGE_NAME_MAX_LENGTH + 1))).toBe(false);
    expect(PACKAGE_NAME_MAX_LENGTH).toBe(255);
  });

  it.each([null, undefined, 42, {}, ['glibc'], true])('rejects the non-string %p', (value) => {
    expect(isValidPackageName(value)).toBe(false);
    expect(() => assertValidPackageName(value)).toThrow(PackageRuleError);
  });
});

describe('package version rule', () => {
  it.each(REAL_VERSIONS)('accepts the real version %j', (version) => {
    expect(isValidPackageVersion(version)).toBe(true);
    expect(() => assertValidPackageVersion(version)).not.toThrow();
  });

  it.each(HOSTILE_VERSIONS)('rejects the malformed version %j', (version) => {
    expect(isValidPackageVersion(version)).toBe(false);
    expect(() => assertValidPackageVersion(version)).toThrow(PackageRuleError);
  });

  it('accepts exactly 255 characters and no more', () => {
    const longest = `${'1'.repeat(PACKAGE_VERSION_MAX_LENGTH - 2)}-1`;
    expect(longest).toHaveLength(PACKAGE_VERSION_MAX_LENGTH);
    expect(isValidPackageVersion(longest)).toBe(true);
    expect(isValidPackageVersion(`1${longest}`)).toBe(false);
  });

  it('admits every printable ASCII character in pkgver except ": / -" and leading "."', () => {
    for (let code = 0; code < 128; code++) {
      const character = String.fromCharCode(code);
      // A letter in front, so that ":" cannot read as the end of an epoch.
      const allowed = code > 0x20 && code < 0x7f && !':/-'.includes(character);
      expect({ character, inside: isValidPackageVersion(`a${character}0-1`) }).toEqual({
        character,
        inside: allowed,
      });
      expect({ character, leading: isValidPackageVersion(`${character}1-1`) }).toEqual({
        character,
        leading: allowed && character !== '.',
      });
    }
  });
});

describe('architecture rule', () => {
  it.each(['x86_64', 'any', 'aarch64', 'armv7h', 'i686', 'pentium4', 'riscv64', 'loong64', 'x86_64_v3'])(
    'accepts %j',
    (architecture) => {
      expect(isValidArchitecture(architecture)).toBe(true);
      expect(() => assertValidArchitecture(architecture)).not.toThrow();
    },
  );

  it.each([
    '',
    'x86-64',
    'x86_64\n',
    ' any',
    'arm v7',
    '../x',
    'x86_64;id',
    'аny',
    'a'.repeat(ARCHITECTURE_MAX_LENGTH + 1),
  ])('rejects %j', (architecture) => {
    expect(isValidArchitecture(architecture)).toBe(false);
    expect(() => assertValidArchitecture(architecture)).toThrow(PackageRuleError);
  });
});

describe('repository name rule', () => {
  it.each([
    'core',
    'extra',
    'multilib',
    'core-testing',
    'chaotic-aur',
    'cachyos-core-znver4',
    'my_repo.v2',
    'local',
    'Options',
    '0repo',
  ])('accepts %j', (repository) => {
    expect(isValidRepositoryName(repository)).toBe(true);
    expect(() => assertValidRepositoryName(repository)).not.toThrow();
  });

  it.each([
    '',
    'options',
    '-core',
    '.core',
    '..',
    'core/extra',
    'core]',
    '[core',
    'co re',
    'core\n',
    'core\0',
    'https://mirror/core',
    'сore', // Cyrillic с
    'r'.repeat(REPOSITORY_NAME_MAX_LENGTH + 1),
  ])('rejects %j', (repository) => {
    expect(isValidRepositoryName(repository)).toBe(false);
    expect(() => assertValidRepositoryName(repository)).toThrow(PackageRuleError);
  });

  it('accepts names up to the maximum length, "options" only as a prefix', () => {
    expect(isValidRepositoryName('r'.repeat(REPOSITORY_NAME_MAX_LENGTH))).toBe(true);
    expect(isValidRepositoryName('options-mirror')).toBe(true);
  });
});

describe('patterns for class-validator', () => {
  const patterns = [
    PACKAGE_NAME_PATTERN,
    PACKAGE_VERSION_PATTERN,
    ARCHITECTURE_PATTERN,
    REPOSITORY_NAME_PATTERN,
  ];

  it('keep no state between calls and are not multi-line', () => {
    for (const pattern of patterns) {
      expect(pattern.flags).toBe('');
    }
    // A stateful (`g`) pattern would fail every second test of the same valid value.
    expect([1, 2, 3].map(() => PACKAGE_NAME_PATTERN.test('glibc'))).toEqual([true, true, true]);
  });

  it('cannot be fooled by a newline before or after a valid value', () => {
    const valid = ['glibc', '1.0-1', 'x86_64', 'core'];
    patterns.forEach((pattern, index) => {
      expect(pattern.test(valid[index])).toBe(true);
      expect(pattern.test(`${valid[index]}\n`)).toBe(false);
      expect(pattern.test(`\n${valid[index]}`)).toBe(false);
      expect(pattern.test(`${valid[index]}\n${valid[index]}`)).toBe(false);
    });
  });

  it('answer quickly on long hostile input (no catastrophic backtracking)', () => {
    const hostile = [
      'a'.repeat(50_000) + '\n',
      `${'1'.repeat(50_000)}:`,
      `${'1.'.repeat(50_000)}-1-`,
      `${'-'.repeat(50_000)}`,
    ];
    for (const pattern of patterns) for (const value of hostile) expect(pattern.test(value)).toBe(false);
  });
});

describe('PackageRuleError', () => {
  it('names the rule, quotes the value and states the rule', () => {
    const error = catchError(() => assertValidPackageName('--root=/'));
    expect(error).toBeInstanceOf(PackageRuleError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PackageRuleError');
    expect(error.rule).toBe('package_name');
    expect(error.value).toBe('--root=/');
    expect(error.message).toBe(`invalid package name "--root=/": ${PACKAGE_NAME_MESSAGE}`);
  });

  it('escapes control characters and cuts long values in the message', () => {
    const newline = catchError(() => assertValidPackageVersion('1.0-1\nInjected: log line'));
    expect(newline.message).toBe(
      `invalid package version "1.0-1\\nInjected: log line": ${PACKAGE_VERSION_MESSAGE}`,
    );
    expect(newline.message).not.toContain('\n');

    const long = catchError(() => assertValidPackageName('x'.repeat(1_000_000)));
    expect(long.message.length).toBeLessThan(400);
    expect(long.message).toContain('(1000000 characters)');
  });

  it('describes non-strings by type', () => {
    expect(catchError(() => assertValidRepositoryName(undefined)).message).toMatch(
      /^invalid repository name undefined: /,
    );
    expect(catchError(() => assertValidArchitecture(null)).message).toMatch(/^invalid architecture null: /);
  });
});

function catchError(action: () => void): PackageRuleError {
  try {
    action();
  } catch (error) {
    if (error instanceof PackageRuleError) return error;
    throw error;
  }
  throw new Error('expected a PackageRuleError, nothing was thrown');
}

import {
  packageCount,
  PacmanStep,
  parseStepDocument,
  stepArguments,
  stepName,
  targetFileName,
  targetMatchesFile,
} from './pacman-steps';
import { isNormalAbsolutePath, parseRequestArguments, requestArguments } from './privileged-protocol';

const keyring: PacmanStep = {
  action: 'upgrade',
  packages: [
    {
      name: 'archlinux-keyring',
      version: '20240709-1',
      file: 'https://mirror.example/core/os/x86_64/archlinux-keyring-20240709-1-any.pkg.tar.zst',
    },
  ],
  remove_conflicting: false,
};
const upgrade: PacmanStep = {
  action: 'upgrade',
  packages: [
    { name: 'extra', version: '1:1.0-1', file: 'file:///srv/repo/extra-1:1.0-1-any.pkg.tar.gz' },
    { name: 'tool', version: '0.9-1', file: '/var/cache/pacman/pkg/tool-0.9-1-x86_64.pkg.tar.zst' },
  ],
  remove_conflicting: true,
};
const steps: PacmanStep[] = [
  keyring,
  upgrade,
  { action: 'reason', reason: 'dependency', packages: ['extra'] },
  { action: 'reason', reason: 'explicit', packages: ['tool'] },
  { action: 'remove', packages: ['app'] },
];

describe('pacman steps', () => {
  it('are pacman operations with their targets after --, in order; a keyring first is one more upgrade', () => {
    expect(steps.map(stepArguments)).toEqual([
      ['-U', '--noconfirm', '--', keyring.action === 'upgrade' ? keyring.packages[0].file : ''],
      [
        '-U',
        '--noconfirm',
        '--ask=4',
        '--',
        'file:///srv/repo/extra-1:1.0-1-any.pkg.tar.gz',
        '/var/cache/pacman/pkg/tool-0.9-1-x86_64.pkg.tar.zst',
      ],
      ['-D', '--asdeps', '--', 'extra'],
      ['-D', '--asexplicit', '--', 'tool'],
      ['-R', '--noconfirm', '--', 'app'],
    ]);
    expect(steps.map(stepName)).toEqual([
      'pacman -U',
      'pacman -U',
      'pacman -D --asdeps',
      'pacman -D --asexplicit',
      'pacman -R',
    ]);
    expect(packageCount(steps)).toBe(4);
  });

  it('survive the trip through JSON unchanged', () => {
    expect(parseStepDocument(JSON.parse(JSON.stringify({ version: 1, steps })))).toEqual(steps);
  });

  it('take a file only when its name is that package at that version', () => {
    expect(targetMatchesFile({ name: 'tool', version: '0.9-1', file: '/c/tool-0.9-1-any.pkg.tar.zst' })).toBe(
      true,
    );
    expect(targetMatchesFile({ name: 'tool', version: '0.9-1', file: '/c/tool-1.0-1-any.pkg.tar.zst' })).toBe(
      false,
    );
    expect(
      targetMatchesFile({ name: 'tool', version: '0.9-1', file: '/c/tool-0.9-1-any.pkg.tar.zst.sig' }),
    ).toBe(false);
    expect(targetFileName('/var/cache/pacman/pkg/')).toBeNull();
    expect(targetFileName('/var/cache/./x')).toBeNull();
    expect(targetFileName('relative/x')).toBeNull();
    expect(targetFileName('https://m.example/a%2Bb-1-1-any.pkg.tar.zst')).toBe('a+b-1-1-any.pkg.tar.zst');
    expect(targetFileName('HTTPS://m.example/x')).toBeNull(); // not canonical
  });

  it('refuse duplicates within a step and an unknown step shape, naming where', () => {
    expect(() =>
      parseStepDocument({ version: 1, steps: [{ action: 'remove', packages: ['app', 'app'] }] }),
    ).toThrow('steps[0].packages names app twice');
    expect(() => parseStepDocument({ version: 1, steps: [{ action: 'remove' }] })).toThrow(
      'steps[0] lacks "packages"',
    );
    expect(() => parseStepDocument({ version: 1, steps: [null] })).toThrow('steps[0].action must be');
    expect(() => parseStepDocument([])).toThrow('the step document must be an object');
  });
});

describe("pacman-sync-privileged's command line", () => {
  it('is --pool, --packages and the global options, and reads back as written', () => {
    const request = { pool: 'lab machines', packages: 4, globals: { root: '/mnt', logfile: '/mnt/log' } };
    const argv = requestArguments(request);
    expect(argv).toEqual(['--pool=lab machines', '--packages=4', '--root=/mnt', '--logfile=/mnt/log']);
    expect(parseRequestArguments(argv)).toEqual(request);
  });

  it('refuses control characters, zero packages and a pool name without characters', () => {
    expect(() => parseRequestArguments(['--packages=1', '--pool=a\nb'])).toThrow('control character');
    expect(() => parseRequestArguments(['--packages=0'])).toThrow('positive whole number');
    expect(() => parseRequestArguments(['--packages=1', '--pool='])).toThrow('--pool must be 1 to 200');
  });

  it('knows a normal absolute path', () => {
    expect(['/', '/a', '/a/b'].map(isNormalAbsolutePath)).toEqual([true, true, true]);
    expect(['', 'a', '/a/', '//a', '/a/./b', '/a/../b'].map(isNormalAbsolutePath)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

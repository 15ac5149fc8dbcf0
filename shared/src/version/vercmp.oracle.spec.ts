// Differential test: every generated pair is compared by our vercmp and by pacman's own `vercmp` binary.
// One process per pair would take minutes, so the pairs go into NUL-separated files and `xargs -0 -n2`
// runs the binary over each file; two files run side by side, one per core.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { seededRandom } from '../state/arch-fixtures.test-util';
import { vercmp } from './vercmp';

const VERCMP_BINARY = '/usr/bin/vercmp';
const MINIMUM_PAIRS = 20_000;
const PARALLEL_CHUNKS = 2;
const SEED = 0x5eed_1234;

const execFileAsync = promisify(execFile);

// Strings that have tripped version comparators before, combined pairwise.
const ADVERSARIAL = [
  '',
  '0',
  '1',
  '001',
  '1.0',
  '1.0.0',
  '1.0a',
  '1.0.a',
  '1.0alpha',
  '1.0-1',
  '1.0-5',
  '1.0-',
  '1.0_1',
  '1.0.1',
  '1.0+1',
  '1.0~1',
  '1..0',
  '1.',
  '.1',
  'a',
  'a1',
  '1a',
  ':',
  ':1',
  '0:1.0',
  '1:1.0',
  '1:',
  '01:1.0-1',
  '1:1:1',
  '1-2-3',
  '-1',
  '1.0-1.1',
  '1.0-1.a',
  '9007199254740992',
  '9007199254740993',
  '18446744073709551616',
  '00000000000000000000001',
  '1.0rc1',
  '1.0rc',
  '1.0RC1',
  '2024.11.30.r12.gabcdef',
  '6.11.9.arch1-1',
  '1.2.3+4-2.1',
  '1 0',
  '1\t0',
  '1é0',
  '1€0',
  '1😀0',
  '1.0а',
  'ａ1',
];

const SEPARATORS = ['.', '.', '.', '_', '+', '~', '..', '-', ':', ' ', '@', 'é', '€', '😀'];
const LETTERS = [...'abcxyzABZ'];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function digits(random: () => number): string {
  const roll = random();
  if (roll < 0.1) return '0'.repeat(1 + Math.floor(random() * 3)) + Math.floor(random() * 10);
  // Beyond 2^53 and 2^64 as well, where a conversion to number would lose the order.
  if (roll < 0.2)
    return String(1 + Math.floor(random() * 9)) + digits(random) + digits(random) + '9'.repeat(15);
  return String(Math.floor(random() * (roll < 0.6 ? 10 : 1000)));
}

function segment(random: () => number): string {
  const roll = random();
  if (roll < 0.65) return digits(random);
  if (roll < 0.85) return pick(random, ['a', 'b', 'rc', 'alpha', 'beta', 'pre', 'r', 'g', 'git', 'Z']);
  return digits(random) + pick(random, LETTERS) + (random() < 0.5 ? digits(random) : '');
}

/** A plausible `[epoch:]pkgver[-pkgrel]`, sometimes bent out of shape. */
function realisticVersion(random: () => number): string {
  const parts: string[] = [];
  const count = 1 + Math.floor(random() * 5);
  for (let i = 0; i < count; i++) {
    if (i > 0) parts.push(random() < 0.8 ? '.' : pick(random, SEPARATORS));
    parts.push(segment(random));
  }
  let version = parts.join('');
  if (random() < 0.15) version = `${random() < 0.2 ? '' : digits(random)}:${version}`;
  if (random() < 0.75) version += `-${digits(random)}${random() < 0.2 ? `.${digits(random)}` : ''}`;
  return version;
}

/** A small edit of `version`, so that pairs share prefixes and reach the deep rules. */
function mutate(random: () => number, version: string): string {
  const roll = random();
  const at = Math.floor(random() * (version.length + 1));
  if (roll < 0.2)
    return (
      version.slice(0, at) + pick(random, [...SEPARATORS, ...LETTERS, '0', '1', '9']) + version.slice(at)
    );
  if (roll < 0.35) return version.slice(0, at) + version.slice(at + 1);
  if (roll < 0.5)
    return version.replace(/\d+/, (number) => String(BigInt(number) + BigInt(random() < 0.5 ? 1 : 0)));
  if (roll < 0.6) return version.replace(/-[^-]*$/, '');
  if (roll < 0.7) return `${version}-${digits(random)}`;
  if (roll < 0.8) return version.replace(/\./g, () => (random() < 0.5 ? '_' : '.'));
  if (roll < 0.9) return `0${version}`;
  return version + pick(random, ['a', '.a', '.0', '.', 'rc1', '+1']);
}

function randomString(random: () => number): string {
  const alphabet = ['0', '1', '2', '9', 'a', 'b', 'z', 'A', '.', '_', '+', '~', '-', ':', ' ', 'é', '😀'];
  let text = '';
  const length = Math.floor(random() * 9);
  for (let i = 0; i < length; i++) text += pick(random, alphabet);
  return text;
}

function generatePairs(): Array<[string, string]> {
  const random = seededRandom(SEED);
  const pairs: Array<[string, string]> = [];
  for (const a of ADVERSARIAL) for (const b of ADVERSARIAL) pairs.push([a, b]);
  while (pairs.length < MINIMUM_PAIRS + 2_000) {
    const roll = random();
    if (roll < 0.55) {
      const a = realisticVersion(random);
      pairs.push(random() < 0.5 ? [a, mutate(random, a)] : [mutate(random, a), a]);
    } else if (roll < 0.8) {
      pairs.push([realisticVersion(random), realisticVersion(random)]);
    } else {
      pairs.push([randomString(random), randomString(random)]);
    }
  }
  // `vercmp -h`/`--help` print usage instead of comparing; C strings cannot hold NUL.
  return pairs.filter(([a, b]) => a !== '-h' && a !== '--help' && !a.includes('\0') && !b.includes('\0'));
}

async function runOracle(pairs: Array<[string, string]>, directory: string): Promise<number[]> {
  const chunkSize = Math.ceil(pairs.length / PARALLEL_CHUNKS);
  const outputs = await Promise.all(
    Array.from({ length: PARALLEL_CHUNKS }, async (_, chunk) => {
      const path = join(directory, `pairs-${chunk}`);
      const slice = pairs.slice(chunk * chunkSize, (chunk + 1) * chunkSize);
      writeFileSync(path, slice.map(([a, b]) => `${a}\0${b}\0`).join(''), 'utf8');
      const { stdout } = await execFileAsync('xargs', ['-0', '-n', '2', '-a', path, VERCMP_BINARY], {
        maxBuffer: 64 * 1024 * 1024,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
      });
      return stdout;
    }),
  );
  return outputs.flatMap((stdout) =>
    stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        if (!/^-?\d+$/.test(line))
          throw new Error(`vercmp printed something unexpected: ${JSON.stringify(line)}`);
        return Math.sign(Number(line));
      }),
  );
}

describe('vercmp against pacman’s vercmp binary', () => {
  it('agrees on every one of at least 20,000 seeded random and adversarial pairs', async () => {
    if (!existsSync(VERCMP_BINARY)) {
      throw new Error(
        `${VERCMP_BINARY} is missing: this test needs the real pacman vercmp ` +
          '(Debian/Ubuntu: apt-get install pacman-package-manager; Arch: pacman is enough).',
      );
    }
    const pairs = generatePairs();
    const directory = mkdtempSync(join(tmpdir(), 'vercmp-oracle-'));
    try {
      const expected = await runOracle(pairs, directory);
      expect(expected).toHaveLength(pairs.length);

      const mismatches = pairs
        .map(([a, b], index) => ({ a, b, ours: vercmp(a, b), pacman: expected[index] }))
        .filter(({ ours, pacman }) => ours !== pacman);
      if (mismatches.length > 0) {
        const shown = mismatches
          .slice(0, 20)
          .map(
            ({ a, b, ours, pacman }) =>
              `  vercmp(${JSON.stringify(a)}, ${JSON.stringify(b)}): ours ${ours}, pacman ${pacman}`,
          );
        throw new Error(
          `${mismatches.length} of ${pairs.length} pairs disagree, first ones:\n${shown.join('\n')}`,
        );
      }
      expect(pairs.length).toBeGreaterThanOrEqual(MINIMUM_PAIRS);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  }, 180_000);
});

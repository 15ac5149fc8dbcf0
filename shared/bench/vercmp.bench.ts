// vercmp against the cheapest possible ordering of the same version strings (plain string comparison):
// the issue's target is vercmp within 3x of it, since plans compare thousands of versions.
import { seededRandom } from '../src/state/arch-fixtures.test-util';
import { vercmp } from '../src/version/vercmp';
import { BenchResult, measureSideBySide } from './bench-kit';

const PAIR_COUNT = 200_000;
const ROUNDS = 21;
const TARGET_RATIO = 3;
const SEED = 0x7e4c_3a11;

// Shapes of real Arch versions: dotted releases, dates, VCS snapshots, kernel-style, epochs, letters.
const SHAPES: Array<(random: () => number) => string> = [
  (r) => `${int(r, 10)}.${int(r, 30)}.${int(r, 20)}`,
  (r) => `${int(r, 10)}.${int(r, 100)}`,
  (r) => `20${20 + int(r, 6)}.${pad(int(r, 12) + 1)}.${pad(int(r, 28) + 1)}`,
  (r) => `${int(r, 3)}.${int(r, 20)}.r${int(r, 3000)}.g${int(r, 0xfffffff).toString(16)}`,
  (r) => `6.${int(r, 13)}.${int(r, 12)}.arch${int(r, 3) + 1}`,
  (r) => `${int(r, 3) + 1}:${int(r, 10)}.${int(r, 30)}.${int(r, 20)}`,
  (r) => `${int(r, 5)}.${int(r, 10)}${'abc'[int(r, 3)]}`,
  (r) => `${int(r, 5)}.${int(r, 10)}.${int(r, 10)}+${int(r, 40)}`,
];

function int(random: () => number, below: number): number {
  return Math.floor(random() * below);
}

function pad(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

function withRelease(random: () => number, pkgver: string): string {
  return `${pkgver}-${int(random, 4) + 1}${random() < 0.1 ? `.${int(random, 3) + 1}` : ''}`;
}

/** Pairs as a plan meets them: the same package at two nearby versions, sometimes a different shape. */
export function realisticVersionPairs(count: number, seed = SEED): { left: string[]; right: string[] } {
  const random = seededRandom(seed);
  const left: string[] = [];
  const right: string[] = [];
  for (let i = 0; i < count; i++) {
    const shape = SHAPES[int(random, SHAPES.length)];
    const pkgver = shape(random);
    const a = withRelease(random, pkgver);
    const roll = random();
    // Same pkgver with another pkgrel, a fresh version of the same shape, or an identical copy.
    const b =
      roll < 0.3 ? withRelease(random, pkgver) : roll < 0.9 ? withRelease(random, shape(random)) : `${a}`;
    left.push(a);
    right.push(b);
  }
  // Versions arrive through JSON or the database as flat strings; concatenation would leave V8 ropes here.
  return JSON.parse(JSON.stringify({ left, right }));
}

export async function run(): Promise<BenchResult[]> {
  const { left, right } = realisticVersionPairs(PAIR_COUNT);

  const { subjectMs, baselineMs } = measureSideBySide(
    () => {
      let checksum = 0;
      for (let i = 0; i < left.length; i++) checksum += vercmp(left[i], right[i]);
      return checksum;
    },
    () => {
      let checksum = 0;
      for (let i = 0; i < left.length; i++) {
        const a = left[i];
        const b = right[i];
        checksum += a < b ? -1 : a > b ? 1 : 0;
      }
      return checksum;
    },
    ROUNDS,
  );

  return [
    {
      name: `vercmp (${PAIR_COUNT} pairs)`,
      baseline: 'string comparison',
      subjectMs,
      baselineMs,
      ratio: subjectMs / baselineMs,
      target: TARGET_RATIO,
    },
  ];
}

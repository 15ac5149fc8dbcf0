// The common shape of the shared library's benchmarks: each bench file exports
// `async function run(): Promise<BenchResult[]>`, and the runner prints the results side by side.
// Performance is judged by these ratios against a baseline on the same machine, never by timed tests.

export interface BenchResult {
  /** What is measured, e.g. `vercmp`. */
  name: string;
  /** What it is measured against, e.g. `string comparison`. */
  baseline: string;
  subjectMs: number;
  baselineMs: number;
  /** subjectMs / baselineMs. */
  ratio: number;
  /** The ratio the subject must stay within. */
  target: number;
}

const WARMUP_ROUNDS = 3;

// Results flow here so that the optimiser cannot drop the measured work as dead code.
let sink: unknown;

/** Runs `fn` a few times to warm the JIT, then `rounds` timed times, and returns the median in ms. */
export function measure(fn: () => unknown, rounds = 9): number {
  assertRounds(rounds);
  for (let round = 0; round < WARMUP_ROUNDS; round++) sink = fn();
  const timings: number[] = [];
  for (let round = 0; round < rounds; round++) timings.push(timeOnce(fn));
  return median(timings);
}

/**
 * Times `subject` and `baseline` in alternating rounds after warming both up, and returns the median of
 * each. Other processes on a shared machine then slow both alike, so their ratio stays meaningful.
 */
export function measureSideBySide(
  subject: () => unknown,
  baseline: () => unknown,
  rounds = 15,
): { subjectMs: number; baselineMs: number } {
  assertRounds(rounds);
  for (let round = 0; round < WARMUP_ROUNDS; round++) {
    sink = subject();
    sink = baseline();
  }
  const subjectTimings: number[] = [];
  const baselineTimings: number[] = [];
  for (let round = 0; round < rounds; round++) {
    subjectTimings.push(timeOnce(subject));
    baselineTimings.push(timeOnce(baseline));
  }
  return { subjectMs: median(subjectTimings), baselineMs: median(baselineTimings) };
}

function assertRounds(rounds: number): void {
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new Error(`rounds must be a positive integer, got ${rounds}`);
  }
}

function timeOnce(fn: () => unknown): number {
  const start = performance.now();
  sink = fn();
  return performance.now() - start;
}

function median(timings: number[]): number {
  const sorted = [...timings].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** What the last measured function returned; exported so that the sink is observable from outside. */
export function lastMeasuredResult(): unknown {
  return sink;
}

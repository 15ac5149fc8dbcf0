// The content hash a client computes on every check-in and the server on every full report, for a
// 2,000-package state (~200 kB of canonical text). Baselines, same run:
// - node:crypto's SHA-256 of the same text: native code with the CPU's SHA instructions, which the pure
//   TypeScript hash (needed by the browser console) cannot match; target: within 20x of it;
// - JSON.stringify of the state, the least any serialisation costs; stateContentHash also sorts packages
//   and dependencies and hashes the text; target: within 8x of it.
import { createHash } from 'node:crypto';
import { sha256Hex } from '../src/hash/sha256';
import { generateArchState } from '../src/state/arch-fixtures.test-util';
import { canonicalState, stateContentHash } from '../src/state/content-hash';
import { type BenchResult, measureSideBySide } from './bench-kit';

const ROUNDS = 41;

export async function run(): Promise<BenchResult[]> {
  const state = generateArchState(401, 2_000);
  const text = canonicalState(state);
  const hash = measureSideBySide(
    () => sha256Hex(text),
    () => createHash('sha256').update(text, 'utf8').digest('hex'),
    ROUNDS,
  );
  const contentHash = measureSideBySide(
    () => stateContentHash(state),
    () => JSON.stringify(state),
    ROUNDS,
  );
  const kilobytes = Math.round(text.length / 1000);
  return [
    {
      name: `sha256Hex (${kilobytes} kB)`,
      baseline: 'node:crypto sha256',
      ...hash,
      ratio: hash.subjectMs / hash.baselineMs,
      target: 20,
    },
    {
      name: 'stateContentHash (2000 packages)',
      baseline: 'JSON.stringify of the state',
      ...contentHash,
      ratio: contentHash.subjectMs / contentHash.baselineMs,
      target: 8,
    },
  ];
}

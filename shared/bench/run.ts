// Runs every `*.bench.js` beside this file (each exports `run(): Promise<BenchResult[]>`) and prints the
// ratios side by side. A missed target is reported, not fatal: timings on a shared 2-core machine vary,
// and the table is for people to read. Only an error exits non-zero.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './bench-kit';

interface BenchModule {
  run(): Promise<BenchResult[]> | BenchResult[];
}

async function main(): Promise<void> {
  const files = readdirSync(__dirname)
    .filter((file) => file.endsWith('.bench.js'))
    .sort();
  if (files.length === 0) throw new Error(`No *.bench.js files in ${__dirname}`);
  const results: BenchResult[] = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bench = require(join(__dirname, file)) as Partial<BenchModule>;
    if (typeof bench.run !== 'function') throw new Error(`${file} does not export run()`);
    process.stderr.write(`running ${file}…\n`);
    results.push(...(await bench.run()));
  }
  console.log(formatTable(results));
  const missed = results.filter((result) => !(result.ratio <= result.target));
  console.log(
    missed.length === 0
      ? `\nAll ${results.length} benchmarks within target.`
      : `\n${missed.length} of ${results.length} benchmarks missed their target: ${missed.map((r) => r.name).join(', ')}`,
  );
}

function formatTable(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'baseline', 'subject ms', 'baseline ms', 'ratio', 'target', 'ok'];
  const rows = results.map((r) => [
    r.name,
    r.baseline,
    r.subjectMs.toFixed(2),
    r.baselineMs.toFixed(2),
    r.ratio.toFixed(2),
    `<= ${r.target}`,
    r.ratio <= r.target ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [
    line(header),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});

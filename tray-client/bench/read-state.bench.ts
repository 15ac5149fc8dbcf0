// Client benchmarks, printed side by side with their baselines (performance is never asserted in tests):
//  1. reading the installed state of a real 1,500-package root vs plain `pacman -Q` on the same root
//     (target <= 2x), with `pacman -Qi` shown as the alternative way of getting the same facts;
//  2. applying a 50-package plan as ONE pacman -U transaction vs 50 separate `pacman -U` calls.
// Run: npm run bench -w tray-client (all client benchmarks), or this one alone with its options:
//   node -r ./bench/register.js bench/read-state.bench.ts [--write-docs] [--compare-root-builders]
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

import { DEFAULT_PACMAN_CONFIG } from '../src/core/config/client-config';
import { PacmanAdapter } from '../src/core/pacman/pacman-adapter';
import { buildPackage, PackageSpec, requirePacmanTools, TestRoot } from '../test/support/pacman-fixture';
import { planItem, syncPlan } from '../test/support/plans';
import { generateLargeRoot, PACKAGES } from './large-root';

const run = promisify(execFile);
const ROUNDS = 31;
const PLAN_SIZE = 50;
const PLAN_ROUNDS = 3;

interface Row {
  name: string;
  baseline: string;
  subjectMs: number;
  baselineMs: number;
  target: number | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** The alternative builder: 1,500 real tiny packages installed by one pacman -U (timed, for the record). */
async function timeInstalledRootBuilder(): Promise<{ buildMs: number; installMs: number }> {
  const testRoot = TestRoot.create({ repositories: [] });
  // A name unique to this run, so every package is really built rather than found in the package store.
  const nonce = Date.now().toString(36);
  const specs: PackageSpec[] = Array.from({ length: PACKAGES }, (_, i) => ({
    name: `bench-u-${nonce}-${i}`,
    version: `1.${i}-1`,
  }));
  const files: string[] = [];
  try {
    const buildMs = await time(async () => specs.forEach((spec) => files.push(buildPackage(spec))));
    const installMs = await time(() =>
      run('pacman', [...testRoot.globalArgs(), '--noconfirm', '-U', '--', ...files], {
        maxBuffer: 64 * 1024 * 1024,
      }),
    );
    return { buildMs, installMs };
  } finally {
    testRoot.destroy();
    for (const file of files) rmSync(dirname(file), { recursive: true, force: true });
  }
}

async function readStateBench(): Promise<Row[]> {
  const base = mkdtempSync(join(tmpdir(), 'pacman-sync-bench-'));
  try {
    const started = performance.now();
    const { root, dbpath, config } = generateLargeRoot(base);
    process.stderr.write(
      `generated a ${PACKAGES}-package root in ${(performance.now() - started).toFixed(0)} ms\n`,
    );
    const pacmanArgs = [`--root=${root}`, `--dbpath=${dbpath}`, `--config=${config}`];
    const pacmanConfig = { ...DEFAULT_PACMAN_CONFIG, privilege: 'none' as const, root, dbpath, config };
    const adapterFor = () => new PacmanAdapter(pacmanConfig, { privateDbPath: join(base, 'private') });

    // Correctness first: the subject must agree with pacman before its speed means anything.
    const listed = (await run('pacman', [...pacmanArgs, '-Q'])).stdout;
    const state = await adapterFor().readInstalledState();
    const fromAdapter = state.packages.map((p) => `${p.package_name} ${p.version}`).join('\n');
    if (fromAdapter !== listed.trim()) throw new Error('readInstalledState disagrees with pacman -Q');
    const foreign = (await run('pacman', [...pacmanArgs, '-Qm'])).stdout.trim().split('\n').length;
    if (state.packages.filter((p) => p.repository === 'local').length !== foreign) {
      throw new Error('readInstalledState disagrees with pacman -Qm');
    }

    const syncDb = join(dbpath, 'sync', 'arch.db');
    const cold: number[] = [];
    const warm: number[] = [];
    const query: number[] = [];
    const queryInfo: number[] = [];
    for (let round = 0; round < ROUNDS + 2; round++) {
      // Cold, as in a fresh CLI process: the sync database has a new time, so it is decompressed again.
      // Warm, as in the daemon or tray: a new adapter, but the process already knows this database file.
      const now = new Date(Date.now() + round * 1000);
      utimesSync(syncDb, now, now);
      const c = await time(() => adapterFor().readInstalledState());
      const w = await time(() => adapterFor().readInstalledState());
      const q = await time(() => run('pacman', [...pacmanArgs, '-Q'], { maxBuffer: 16 * 1024 * 1024 }));
      const qi = await time(() => run('pacman', [...pacmanArgs, '-Qi'], { maxBuffer: 64 * 1024 * 1024 }));
      if (round < 2) continue; // warm-up: page cache and JIT
      cold.push(c);
      warm.push(w);
      query.push(q);
      queryInfo.push(qi);
    }
    const row = (name: string, subject: number[], target: number | null): Row => ({
      name,
      baseline: 'pacman -Q',
      subjectMs: median(subject),
      baselineMs: median(query),
      target,
    });
    return [
      row(`readInstalledState, ${PACKAGES} packages, fresh process (sync db decompressed)`, cold, 2),
      row(`readInstalledState, ${PACKAGES} packages, long-running client`, warm, 2),
      row('pacman -Qi (parsing pacman output instead, for reference)', queryInfo, null),
    ];
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

async function planBench(): Promise<Row[]> {
  const specs: PackageSpec[] = Array.from({ length: PLAN_SIZE }, (_, i) => ({
    name: `plan-pkg-${i}`,
    version: '1.0-1',
  }));
  const together: number[] = [];
  const separate: number[] = [];
  for (let round = 0; round < PLAN_ROUNDS; round++) {
    const roots: TestRoot[] = [];
    try {
      const one = TestRoot.create({ repositories: [{ name: 'arch', packages: specs }] });
      roots.push(one);
      const many = TestRoot.create({ repositories: [{ name: 'arch', packages: specs }] });
      roots.push(many);
      const plan = syncPlan({
        install: specs.map((spec) => planItem(spec.name, null, spec.version, { repository: 'arch' })),
      });
      const adapter = one.adapter();
      await adapter.readRepositories(); // both sides start with fresh databases
      together.push(await time(() => adapter.applyPlan(plan)));
      const urls = specs.map(
        (spec) => `file://${many.repositoryDir('arch')}/${spec.name}-${spec.version}-any.pkg.tar.gz`,
      );
      separate.push(
        await time(async () => {
          for (const url of urls) await run('pacman', [...many.globalArgs(), '--noconfirm', '-U', '--', url]);
        }),
      );
      if (one.query().size !== PLAN_SIZE || many.query().size !== PLAN_SIZE)
        throw new Error('plan not applied');
    } finally {
      for (const root of roots) root.destroy();
    }
  }
  return [
    {
      name: `applyPlan, ${PLAN_SIZE} installs in one transaction`,
      baseline: `${PLAN_SIZE} separate pacman -U`,
      subjectMs: median(together),
      baselineMs: median(separate),
      target: 1,
    },
  ];
}

function table(rows: Row[]): string {
  const lines = [
    '| measured | baseline | subject (median ms) | baseline (median ms) | ratio | target |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
  ];
  for (const row of rows) {
    const ratio = row.subjectMs / row.baselineMs;
    const target =
      row.target === null
        ? 'for reference'
        : `<= ${row.target}x ${ratio <= row.target ? '(met)' : '(MISSED)'}`;
    lines.push(
      `| ${row.name} | ${row.baseline} | ${row.subjectMs.toFixed(1)} | ${row.baselineMs.toFixed(1)} | ${ratio.toFixed(2)}x | ${target} |`,
    );
  }
  return lines.join('\n');
}

const SECTION_START = '<!-- client-benchmarks:start -->';
const SECTION_END = '<!-- client-benchmarks:end -->';

/** Replaces only the client's own section of docs/benchmarks.md (appending it the first time). */
function writeDocs(markdown: string): void {
  const file = join(__dirname, '..', '..', 'docs', 'benchmarks.md');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = '# Benchmarks\n';
  }
  const section = `${SECTION_START}\n${markdown}\n${SECTION_END}`;
  const start = text.indexOf(SECTION_START);
  const end = text.indexOf(SECTION_END);
  text =
    start !== -1 && end > start
      ? `${text.slice(0, start)}${section}${text.slice(end + SECTION_END.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}

async function main(): Promise<void> {
  requirePacmanTools();
  const args = process.argv.slice(2);
  const rows = [...(await readStateBench()), ...(await planBench())];
  const report = table(rows);
  console.log(report);
  let builders = '';
  if (args.includes('--compare-root-builders')) {
    const generateBase = mkdtempSync(join(tmpdir(), 'pacman-sync-bench-'));
    const generateMs = await time(async () => generateLargeRoot(generateBase));
    rmSync(generateBase, { recursive: true, force: true });
    const installed = await timeInstalledRootBuilder();
    builders =
      `\nBuilding the ${PACKAGES}-package root: generating the local database directly took ` +
      `${generateMs.toFixed(0)} ms; building ${PACKAGES} real packages (one bsdtar each) took ` +
      `${installed.buildMs.toFixed(0)} ms and one pacman -U of them ${installed.installMs.toFixed(0)} ms, ` +
      'so the benchmark generates the database.\n';
    console.log(builders);
  }
  if (args.includes('--write-docs')) {
    const cpus = execFileSync('nproc').toString().trim();
    const pacmanVersion = /Pacman v(\S+)/.exec(execFileSync('pacman', ['-V']).toString())?.[1];
    const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
    writeDocs(
      [
        '## Client (tray-client)',
        '',
        `\`npm run bench -w tray-client\` on ${cpus} shared cores (load average ${load} while it ran), ` +
          `pacman ${pacmanVersion}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. ` +
          `Medians of ${ROUNDS} alternating rounds (state) and ${PLAN_ROUNDS} rounds on fresh roots (plan).`,
        '',
        report,
        '',
        '- readInstalledState reads `<dbpath>/local/*/desc` in Node and takes repository membership from the sync',
        '  databases (the first configured repository that has the name, as `pacman -Qm` decides foreign), and',
        "  pacman's version from the root's `pacman` package (`pacman -V` runs only for roots without one, once",
        '  per binary). All of that overlaps the one process it needs, `pacman-conf` (the effective configuration).',
        '  "Fresh process" is a CLI run: every sync database is decompressed (on the thread pool, beside the',
        '  local-database read). A long-running client (daemon, tray) remembers sync-database names per file',
        '  (inode, size, times), so only `pacman-conf` and the desc files remain.',
        '- The baseline `pacman -Q` includes its own process start, as the subject does.',
        '- Applying a plan in ONE transaction is what DESIGN.md requires for correctness (a library and its',
        '  dependants move together); the ratio shows it is also far cheaper than one pacman run per package.',
        builders.trim() ? `- ${builders.trim()}` : '',
      ].join('\n'),
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

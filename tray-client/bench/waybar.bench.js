// `pacman-sync waybar` start-up against `node -e 0` (the floor any Node program pays). Waybar runs the
// module on every bar start and refresh, so it must answer from the status cache without loading the
// HTTP, pacman or GTK code: target <= 1.5x. Both commands are spawned alternately, N rounds, median.
// Run after building (npx nx run tray-client:build): node bench/waybar.bench.js [rounds]
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, mkdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const ROUNDS = Number(process.argv[2] ?? 41);
const BIN = join(__dirname, '..', 'bin', 'pacman-sync.js');
const TARGET = 1.5;

const home = mkdtempSync(join(tmpdir(), 'pacman-sync-waybar-bench-'));
const env = {
  ...process.env,
  HOME: home,
  XDG_STATE_HOME: join(home, 'state'),
  XDG_CONFIG_HOME: join(home, 'config'),
};
mkdirSync(join(home, 'state', 'pacman-sync'), { recursive: true, mode: 0o700 });
writeFileSync(
  join(home, 'state', 'pacman-sync', 'last-status.json'),
  JSON.stringify({
    endpoint_id: '0b7c9d2e-4a1f-4c3b-9e8d-1a2b3c4d5e6f',
    sync_status: 'behind',
    checked_at: new Date().toISOString(),
    summary: 'behind the pool target: 3 to upgrade',
  }),
  { mode: 0o600 },
);

function time(args) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return { ms, stdout: result.stdout };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

try {
  const check = JSON.parse(time([BIN, 'waybar']).stdout);
  if (check.alt !== 'behind') throw new Error(`unexpected waybar output ${JSON.stringify(check)}`);
  // Warm the file system cache for both.
  for (let i = 0; i < 3; i++) {
    time(['-e', '0']);
    time([BIN, 'waybar']);
  }
  const baseline = [];
  const subject = [];
  for (let i = 0; i < ROUNDS; i++) {
    baseline.push(time(['-e', '0']).ms);
    subject.push(time([BIN, 'waybar']).ms);
  }
  const subjectMs = median(subject);
  const baselineMs = median(baseline);
  const ratio = subjectMs / baselineMs;
  console.log('| benchmark | baseline | subject ms | baseline ms | ratio | target |');
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| \`pacman-sync waybar\` from the cache (${ROUNDS} spawns, median) | \`node -e 0\` | ${subjectMs.toFixed(1)} | ` +
      `${baselineMs.toFixed(1)} | ${ratio.toFixed(2)} | <= ${TARGET} |`,
  );
  if (ratio > TARGET) console.log(`target missed: ${ratio.toFixed(2)} > ${TARGET}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}

#!/usr/bin/env node
// Prints the workspace's closing test line from the files the Jest reporter wrote, and fails when
// nothing ran, anything failed, or a test was skipped (a skipped test is not a passing one).
const fs = require('node:fs');
const path = require('node:path');

const dir = path.join(__dirname, '..', 'test-output', 'results');
const runs = fs.existsSync(dir)
  ? fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')))
  : [];
const sum = (key) => runs.reduce((n, r) => n + r[key], 0);
for (const r of runs) {
  console.log(`  ${r.label}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`);
  // The pacman × user matrix of the client's pacman suites, as its tests name it.
  for (const [variant, counts] of Object.entries(r.matrix ?? {}).sort(([a], [b]) => a.localeCompare(b)))
    console.log(`    ${variant}: ${counts.passed} passed, ${counts.failed} failed`);
}
const passed = sum('passed');
const failed = sum('failed') + sum('suitesFailed');
const skipped = sum('skipped');
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(runs.length === 0 || passed === 0 || failed > 0 || skipped > 0 ? 1 : 0);

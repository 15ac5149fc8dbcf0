// Summarises a V8 .cpuprofile (from BENCH_PROFILE_DIR): self time by package or source folder, and the
// heaviest functions, so a missed target can be traced to the code that costs the time.
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string): string {
  if (url === '') return '(native / V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const local = /\/(src|bench|shared\/dist)\/([^/]+)/.exec(url);
  if (local) return `${local[1]}/${local[2]}`;
  return url.startsWith('node:') ? 'node core' : url;
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('usage: node profile-summary.js <file.cpuprofile> [top]');
  const top = Number(process.argv[3] ?? 25);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // The profiler's own start/stop runs through node:inspector in the same thread: not the server's work.
  const underInspector = (id: number): boolean => {
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      if (byId.get(current)!.callFrame.url === 'node:inspector') return true;
    }
    return false;
  };
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    if (underInspector(id)) return;
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const total = [...selfMs.values()].reduce((sum, value) => sum + value, 0);
  const idle = [...selfMs.entries()]
    .filter(([id]) =>
      ['(idle)', '(program)', '(garbage collector)'].includes(byId.get(id)!.callFrame.functionName),
    )
    .map(([id, ms]) => [byId.get(id)!.callFrame.functionName, ms] as const);

  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (['(idle)', '(program)', '(garbage collector)', '(root)'].includes(functionName)) continue;
    byArea.set(area(url), (byArea.get(area(url)) ?? 0) + ms);
    const key = `${functionName || '(anonymous)'} ${area(url)}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + ms);
  }
  const percent = (ms: number) => `${((100 * ms) / total).toFixed(1).padStart(5)} %`;
  process.stdout.write(`total ${total.toFixed(0)} ms sampled\n`);
  for (const [name, ms] of idle) process.stdout.write(`${percent(ms)}  ${name}\n`);
  process.stdout.write('\nself time by area\n');
  for (const [name, ms] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${percent(ms)}  ${name}\n`);
  }
  // Inclusive time of the project's own functions: which route step (guard, pipe, service) the time is under.
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    if (underInspector(id)) return;
    const keys = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      const { functionName, url, lineNumber } = byId.get(current)!.callFrame;
      const where = area(url);
      if (where.startsWith('src/') || where.startsWith('shared/'))
        keys.add(`${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`);
    }
    for (const key of keys)
      inclusive.set(key, (inclusive.get(key) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  process.stdout.write('\nproject functions (inclusive time)\n');
  for (const [name, ms] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${percent(ms)}  ${name}\n`);
  }

  process.stdout.write('\nheaviest functions (self time)\n');
  for (const [name, ms] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${percent(ms)}  ${name}\n`);
  }
}

main();

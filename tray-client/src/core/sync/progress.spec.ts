import { PacmanProgressParser, SyncProgress, throttleProgress } from './progress';

describe('PacmanProgressParser', () => {
  it('counts installs, removals and downloads, with or without terminal counters', () => {
    const events: SyncProgress[] = [];
    const parser = new PacmanProgressParser({ install: 3, remove: 1, download: 2 }, (event) =>
      events.push(event),
    );
    for (const line of [
      ':: Retrieving packages...',
      ' libx-2.0-1-any downloading...',
      ' app-2.0-1-x86_64 downloading...',
      'loading packages...',
      'checking package integrity...',
      ':: Processing package changes...',
      'installing libx...',
      '(2/3) upgrading app...',
      'downgrading tool...',
      'removing old-thing...',
      'warning: something unrelated',
    ]) {
      parser.accept(line);
    }
    expect(events.map(({ phase, current, total, package: name }) => [phase, current, total, name])).toEqual([
      ['download', 1, 2, 'libx-2.0-1-any'],
      ['download', 2, 2, 'app-2.0-1-x86_64'],
      ['check', 0, 0, null],
      ['install', 1, 3, 'libx'],
      ['install', 2, 3, 'app'],
      ['install', 3, 3, 'tool'],
      ['remove', 1, 1, 'old-thing'],
    ]);
  });
});

describe('throttleProgress', () => {
  it('passes phase changes and last steps, and at most one event per interval otherwise', () => {
    let clock = 0;
    const seen: string[] = [];
    const listener = throttleProgress(
      (p) => seen.push(`${p.phase} ${p.current}/${p.total}`),
      100,
      () => clock,
    );
    const event = (phase: SyncProgress['phase'], current: number, total: number): SyncProgress => ({
      phase,
      current,
      total,
      package: null,
      message: '',
    });
    listener(event('download', 1, 5)); // phase change
    clock = 10;
    listener(event('download', 2, 5)); // too soon
    clock = 150;
    listener(event('download', 3, 5)); // interval passed
    clock = 160;
    listener(event('download', 4, 5)); // too soon
    clock = 170;
    listener(event('download', 5, 5)); // last step
    clock = 171;
    listener(event('install', 1, 5)); // phase change
    expect(seen).toEqual(['download 1/5', 'download 3/5', 'download 5/5', 'install 1/5']);
  });
});

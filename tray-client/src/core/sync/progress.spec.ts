import { PacmanProgressParser, SyncProgress } from './progress';

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

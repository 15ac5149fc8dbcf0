import { SyncProgress } from './progress';
import { throttleProgress } from './sync-runner';

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

import { PassThrough } from 'node:stream';

import { ProgressBar } from './progress-bar';
import { confirmChange } from './prompt';

describe('ProgressBar', () => {
  it('redraws one line in place on a terminal and clears it at the end', () => {
    let out = '';
    const bar = new ProgressBar({ write: (text: string) => (out += text), isTTY: true, columns: 60 });
    bar.update({ phase: 'install', current: 1, total: 4, package: 'libx', message: 'installing libx...' });
    bar.update({ phase: 'install', current: 4, total: 4, package: 'app', message: 'upgrading app...' });
    bar.finish();
    const frames = out.split('\r\u001b[K').filter(Boolean);
    expect(frames).toEqual([
      `[${'#'.repeat(12)}${'-'.repeat(12)}]  49% install libx`,
      `[${'#'.repeat(22)}${'-'.repeat(2)}]  90% install app`,
    ]);
    expect(out.endsWith('\r\u001b[K')).toBe(true);
    expect(out).not.toContain('\n');
  });

  it('draws nothing when the output is a pipe', () => {
    let out = '';
    const bar = new ProgressBar({ write: (text: string) => (out += text), isTTY: false });
    bar.update({ phase: 'install', current: 1, total: 1, package: 'x', message: 'installing x...' });
    bar.finish();
    expect(out).toBe('');
  });
});

describe('confirmChange', () => {
  function io(isTTY: boolean) {
    const stdin = Object.assign(new PassThrough(), { isTTY });
    let err = '';
    return {
      stdin,
      err: () => err,
      io: {
        stdin,
        stdout: { write: () => true },
        stderr: Object.assign(new PassThrough(), { write: (t: string) => ((err += t), true) }),
        env: {},
      },
    };
  }

  it('asks on a terminal and goes on only for yes', async () => {
    const yes = io(true);
    const asked = confirmChange(yes.io as never, 'Apply this sync?', { yes: false });
    yes.stdin.write('y\n');
    await expect(asked).resolves.toBeUndefined();
    expect(yes.err()).toContain('Apply this sync? [y/N]');

    const no = io(true);
    const declined = confirmChange(no.io as never, 'Apply this sync?', { yes: false });
    no.stdin.write('\n');
    await expect(declined).rejects.toMatchObject({ code: 'DECLINED' });
  });

  it('refuses without a terminal unless --yes was given', async () => {
    await expect(confirmChange(io(false).io as never, 'Apply?', { yes: false })).rejects.toThrow(/--yes/);
    await expect(confirmChange(io(false).io as never, 'Apply?', { yes: true })).resolves.toBeUndefined();
  });
});

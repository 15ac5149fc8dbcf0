import { commandOf } from './cli';

// run() (main.ts) enters the GLib main loop before anything else only for the tray: it must see the
// same command as runCli will.
describe('commandOf', () => {
  it('names the command, after global options and their values', () => {
    expect(commandOf(['status'])).toBe('status');
    expect(commandOf(['--config', 'tray', 'sync', '--yes'])).toBe('sync');
    expect(commandOf(['-c', '/etc/x.conf', '--json', 'tray', '--headless'])).toBe('tray');
  });

  it('is the tray without a command, as runCli starts it', () => {
    expect(commandOf([])).toBe('tray');
    expect(commandOf(['--verbose', '-c', 'x.conf'])).toBe('tray');
  });

  it('is nothing for --help and --version alone', () => {
    for (const flag of ['-h', '--help', '-V', '--version']) expect(commandOf([flag])).toBeNull();
  });
});

import { classifyPacmanOutput, failureFromOutput } from './pacman-errors';

describe('classifyPacmanOutput', () => {
  it.each([
    ['error: failed to init transaction (unable to lock database)', 'LOCK_HELD'],
    ['error: failed to commit transaction (conflicting files)', 'CONFLICTING_FILES'],
    ['error: unresolvable package conflicts detected', 'PACKAGE_CONFLICT'],
    ['error: failed to prepare transaction (conflicting dependencies)', 'PACKAGE_CONFLICT'],
    ['foo: /usr/share/x exists in filesystem (owned by bar)', 'CONFLICTING_FILES'],
    ['error: failed to prepare transaction (could not satisfy dependencies)', 'MISSING_DEPENDENCY'],
    [":: unable to satisfy dependency 'libx>=2' required by app", 'MISSING_DEPENDENCY'],
    ['error: foo: signature from "Someone <a@b>" is invalid', 'SIGNATURE'],
    ['error: foo: signature from "Someone <a@b>" is unknown trust', 'SIGNATURE'],
    ['error: foo: missing required signature', 'SIGNATURE'],
    // pacman 6.0.2 when a package is signed by a key the machine lacks (a keyring not installed yet).
    ['error: key "F255A9FDA5522266" could not be looked up remotely', 'SIGNATURE'],
    [
      "error: failed retrieving file 'foo.pkg.tar.zst' from mirror : The requested URL returned error: 404",
      'DOWNLOAD',
    ],
    ['error: failed to retrieve some files', 'DOWNLOAD'],
    [
      "error: failed retrieving file 'foo-1-1-any.pkg.tar.zst.sig' from disk : Couldn't open file",
      'SIGNATURE',
    ],
    ['error: target not found: foo', 'NOT_FOUND'],
    ["error: '/x.pkg.tar.zst': could not find or read package", 'NOT_FOUND'],
    ['error: something nobody expected', 'TRANSACTION_FAILED'],
  ])('%s -> %s', (line, code) => {
    expect(classifyPacmanOutput(['loading packages...', line])).toBe(code);
  });

  it('calls a missing package a download failure even when its signature is missing too', () => {
    expect(
      classifyPacmanOutput([
        "error: failed retrieving file 'foo-1-1-any.pkg.tar.zst' from mirror : 404",
        "error: failed retrieving file 'foo-1-1-any.pkg.tar.zst.sig' from mirror : 404",
      ]),
    ).toBe('DOWNLOAD');
  });

  it('keeps the last non-empty lines and names the first error in the message', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `line ${i}`);
    lines.splice(3, 0, 'error: failed to init transaction (unable to lock database)', '');
    const error = failureFromOutput('pacman -U', lines, 1);
    expect(error.code).toBe('LOCK_HELD');
    expect(error.exitCode).toBe(1);
    expect(error.outputTail).toHaveLength(20);
    expect(error.outputTail[19]).toBe('line 29');
    expect(error.message).toBe(
      'pacman -U failed (LOCK_HELD: another pacman is running (or a stale db.lck was left behind)): ' +
        'error: failed to init transaction (unable to lock database)',
    );
  });
});

describe('failureFromOutput with evidence beyond the words', () => {
  const german = ['Lade Pakete...', 'Fehler: Konnte den Vorgang nicht vorbereiten'];

  it('calls an unreadable failure LOCK_HELD while the lock file is still there', () => {
    expect(failureFromOutput('pacman -U', german, 1, { lockPresent: true }).code).toBe('LOCK_HELD');
    // The words win when they say something else: the lock may be a new pacman's, started since.
    const files = ['error: failed to commit transaction (conflicting files)'];
    expect(failureFromOutput('pacman -U', files, 1, { lockPresent: true }).code).toBe('CONFLICTING_FILES');
  });
});

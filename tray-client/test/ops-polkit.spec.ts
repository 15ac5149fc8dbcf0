// The polkit action in ops/ is what pkexec finds for pacman-sync-privileged: it must name the path the
// client starts and the PKGBUILD installs, keep the authorization for a while, and say what is changed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { PRIVILEGED_ENTRY_POINT } from '../src/core/pacman/privileged-protocol';

const OPS = join(__dirname, '..', '..', 'ops');
const POLICY = readFileSync(join(OPS, 'polkit', 'io.github.pacman-sync.policy'), 'utf8');

function element(name: string, within = POLICY): string[] {
  return [...within.matchAll(new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`, 'g'))].map(
    (match) => match[1],
  );
}

describe('ops/polkit/io.github.pacman-sync.policy', () => {
  it('has one action, for exactly the program the client starts through pkexec', () => {
    expect([...POLICY.matchAll(/<action id="([^"]+)">/g)].map((match) => match[1])).toEqual([
      'io.github.pacman-sync.apply-plan',
    ]);
    expect(POLICY).toContain(
      `<annotate key="org.freedesktop.policykit.exec.path">${PRIVILEGED_ENTRY_POINT}</annotate>`,
    );
    // The PKGBUILD installs the program where the action points, and the action where polkit reads it.
    const pkgbuild = readFileSync(join(OPS, 'pkgbuild', 'PKGBUILD'), 'utf8');
    expect(pkgbuild).toContain(
      'install -Dm755 ops/pkgbuild/pacman-sync-privileged "$lib/pacman-sync-privileged"',
    );
    expect(PRIVILEGED_ENTRY_POINT).toBe('/usr/lib/pacman-sync/pacman-sync-privileged');
    expect(pkgbuild).toContain(
      'install -Dm644 ops/polkit/io.github.pacman-sync.policy -t "$pkgdir/usr/share/polkit-1/actions/"',
    );
  });

  it('asks an administrator, keeps the answer for the session, and shows the pool and package count', () => {
    const defaults = /<defaults>([\s\S]*?)<\/defaults>/.exec(POLICY)?.[1] ?? '';
    expect(element('allow_active', defaults)).toEqual(['auth_admin_keep']);
    expect(element('allow_inactive', defaults)).toEqual(['auth_admin']);
    expect(element('allow_any', defaults)).toEqual(['auth_admin']);
    // polkit replaces $(command_line) with pkexec's command line: `… --pool=NAME --packages=N`.
    expect(element('message')).toEqual([
      'Authentication is required to change the installed packages for pacman-sync ($(command_line))',
    ]);
  });

  it('is well-formed XML with the polkit DOCTYPE', () => {
    expect(POLICY.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE policyconfig')).toBe(true);
    const tags = [...POLICY.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<(\/?)([a-z_]+)[^>]*?(\/?)>/g)];
    const open: string[] = [];
    for (const [, closing, name, selfClosing] of tags) {
      if (selfClosing) continue;
      if (closing) expect(open.pop()).toBe(name);
      else open.push(name);
    }
    expect(open).toEqual([]);
  });
});

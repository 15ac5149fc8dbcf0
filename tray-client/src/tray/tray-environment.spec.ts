import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { detectTrayEnvironment, sessionBusAddress } from './tray-environment';

describe('detectTrayEnvironment', () => {
  it('refuses without DISPLAY or WAYLAND_DISPLAY before loading GTK', async () => {
    expect(await detectTrayEnvironment({ HOME: '/root', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' })).toEqual({
      ok: false,
      reason: 'no graphical display (neither DISPLAY nor WAYLAND_DISPLAY is set)',
    });
  });
});

describe('sessionBusAddress', () => {
  it('takes DBUS_SESSION_BUS_ADDRESS first', () => {
    expect(
      sessionBusAddress({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/bus', XDG_RUNTIME_DIR: '/tmp' }),
    ).toBe('unix:path=/run/bus');
  });

  it('falls back to $XDG_RUNTIME_DIR/bus only when that socket exists', () => {
    const runtime = mkdtempSync(join(tmpdir(), 'tray-runtime-'));
    try {
      expect(sessionBusAddress({ XDG_RUNTIME_DIR: runtime })).toBeNull();
      writeFileSync(join(runtime, 'bus'), '');
      expect(sessionBusAddress({ XDG_RUNTIME_DIR: runtime })).toBe(`unix:path=${join(runtime, 'bus')}`);
    } finally {
      rmSync(runtime, { recursive: true, force: true });
    }
  });

  it('has no address without either', () => {
    expect(sessionBusAddress({})).toBeNull();
  });
});

import { TestBed } from '@angular/core/testing';

import { SessionStore } from './session.store';

describe('SessionStore', () => {
  beforeEach(() => sessionStorage.clear());

  it('survives a reload through sessionStorage', () => {
    TestBed.inject(SessionStore).start({ access_token: 'jwt', expires_in: 600, role: 'viewer' }, 'vera');
    TestBed.resetTestingModule();
    const reloaded = TestBed.inject(SessionStore);
    expect([reloaded.username(), reloaded.role(), reloaded.canMutate()]).toEqual(['vera', 'viewer', false]);
  });

  it('ignores a tampered or expired stored session', () => {
    sessionStorage.setItem(
      'pacman-sync.session',
      JSON.stringify({ token: 'x', role: 'root', username: 'a', expiresAt: Date.now() + 1e6 }),
    );
    expect(TestBed.inject(SessionStore).signedIn()).toBe(false);
    TestBed.resetTestingModule();
    sessionStorage.setItem(
      'pacman-sync.session',
      JSON.stringify({ token: 'x', role: 'admin', username: 'a', expiresAt: Date.now() - 1 }),
    );
    expect(TestBed.inject(SessionStore).signedIn()).toBe(false);
    TestBed.resetTestingModule();
    sessionStorage.setItem('pacman-sync.session', '{not json');
    expect(TestBed.inject(SessionStore).signedIn()).toBe(false);
  });

  it('treats any role but admin from the server as read-only', () => {
    const session = TestBed.inject(SessionStore);
    session.start({ access_token: 'jwt', expires_in: 600, role: 'admin' }, 'ann');
    session.confirm('ann', 'ci');
    expect([session.role(), session.canMutate()]).toEqual(['viewer', false]);
  });
});

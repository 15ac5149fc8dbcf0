import { computed, Injectable, signal } from '@angular/core';

import type { LoginResultDto } from '../api/generated/models';

export type ConsoleRole = 'viewer' | 'admin';

interface Session {
  token: string;
  role: ConsoleRole;
  username: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

const STORAGE_KEY = 'pacman-sync.session';

/**
 * The signed-in user's session. Kept in sessionStorage so a reload keeps it but closing the tab ends it,
 * and the token never outlives the browser session on a shared machine.
 */
@Injectable({ providedIn: 'root' })
export class SessionStore {
  private readonly session = signal<Session | null>(readSession());

  readonly token = computed(() => this.current()?.token ?? null);
  readonly role = computed(() => this.current()?.role ?? null);
  readonly username = computed(() => this.current()?.username ?? null);
  readonly signedIn = computed(() => this.current() !== null);
  /** Viewers see everything read-only; every mutating control checks this. */
  readonly canMutate = computed(() => this.current()?.role === 'admin');

  start(result: LoginResultDto, username: string): void {
    const role: ConsoleRole = result.role === 'admin' ? 'admin' : 'viewer';
    const session: Session = {
      token: result.access_token,
      role,
      username,
      expiresAt: Date.now() + result.expires_in * 1000,
    };
    this.session.set(session);
    storage()?.setItem(STORAGE_KEY, JSON.stringify(session));
  }

  /** The server's word on who this is (GET /auth/me) replaces what the login answer said. */
  confirm(username: string, role: string): void {
    const current = this.session();
    if (!current) return;
    this.start(
      {
        access_token: current.token,
        role: role === 'admin' ? 'admin' : 'viewer',
        expires_in: (current.expiresAt - Date.now()) / 1000,
      },
      username,
    );
  }

  clear(): void {
    this.session.set(null);
    storage()?.removeItem(STORAGE_KEY);
  }

  private current(): Session | null {
    const session = this.session();
    return session && session.expiresAt > Date.now() ? session : null;
  }
}

function storage(): Storage | null {
  return typeof sessionStorage === 'undefined' ? null : sessionStorage;
}

function readSession(): Session | null {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? 'null');
    if (typeof parsed !== 'object' || parsed === null) return null;
    const candidate = parsed as Partial<Session>;
    if (
      typeof candidate.token !== 'string' ||
      (candidate.role !== 'admin' && candidate.role !== 'viewer') ||
      typeof candidate.username !== 'string' ||
      typeof candidate.expiresAt !== 'number'
    ) {
      return null;
    }
    return candidate as Session;
  } catch {
    return null;
  }
}

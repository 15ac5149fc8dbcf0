import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { Router } from '@angular/router';

import { errorMessage } from '../api/api-error';
import { AuthService } from '../api/generated/services/auth.service';
import { SessionStore } from './session.store';

@Component({
  selector: 'ps-login',
  imports: [FormsModule],
  template: `
    <main class="login">
      <form class="card login-card" (ngSubmit)="submit()" aria-labelledby="login-title">
        <h1 id="login-title">pacman-sync console</h1>
        @if (expired()) {
          <p class="notice" role="status">Your session ended. Sign in again.</p>
        }
        <label for="username">Username</label>
        <input id="username" name="username" autocomplete="username" required [(ngModel)]="username" />
        <label for="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          [(ngModel)]="password"
        />
        @if (error()) {
          <p class="error" role="alert">{{ error() }}</p>
        }
        <button type="submit" class="primary" [disabled]="busy()">
          {{ busy() ? 'Signing in…' : 'Sign in' }}
        </button>
      </form>
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginComponent {
  private readonly auth = inject(AuthService);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);

  readonly returnUrl = input<string>();
  readonly expired = input<string>();

  protected username = '';
  protected password = '';
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);

  protected async submit(): Promise<void> {
    if (!this.username || !this.password) {
      this.error.set('Enter a username and a password.');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const result = await this.auth.login({ body: { username: this.username, password: this.password } });
      this.session.start(result, this.username);
      this.password = '';
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }
}

/** Only in-app paths: a returnUrl pointing elsewhere would make the login page an open redirect. */
export function safeReturnUrl(candidate: string | undefined): string {
  if (
    !candidate ||
    !candidate.startsWith('/') ||
    candidate.startsWith('//') ||
    candidate.startsWith('/login')
  ) {
    return '/dashboard';
  }
  return candidate;
}

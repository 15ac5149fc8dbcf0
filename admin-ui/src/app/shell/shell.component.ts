import { ChangeDetectionStrategy, Component, inject, OnDestroy, OnInit } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import { AuthService } from '../api/generated/services/auth.service';
import { SessionStore } from '../auth/session.store';
import { LiveEventsService } from '../events/live-events.service';

interface NavItem {
  path: string;
  label: string;
  adminOnly: boolean;
}

const NAV: NavItem[] = [
  { path: '/dashboard', label: 'Dashboard', adminOnly: false },
  { path: '/pools', label: 'Pools', adminOnly: false },
  { path: '/endpoints', label: 'Endpoints', adminOnly: false },
  { path: '/repositories', label: 'Repositories', adminOnly: false },
  { path: '/operations', label: 'Operations', adminOnly: false },
  { path: '/audit', label: 'Audit log', adminOnly: true },
  { path: '/tokens', label: 'API tokens', adminOnly: true },
  { path: '/users', label: 'Users', adminOnly: true },
];

@Component({
  selector: 'ps-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  template: `
    <a class="skip-link" href="#main">Skip to content</a>
    <header class="topbar">
      <span class="brand">pacman-sync</span>
      <nav aria-label="Main">
        <ul>
          @for (item of navItems(); track item.path) {
            <li>
              <a [routerLink]="item.path" routerLinkActive="active" ariaCurrentWhenActive="page">{{
                item.label
              }}</a>
            </li>
          }
        </ul>
      </nav>
      <div class="who">
        <span class="connection" [attr.data-state]="events.connection()" role="status">
          {{ connectionLabel() }}
        </span>
        <span data-testid="current-user">{{ session.username() }}</span>
        <span class="role-badge" data-testid="current-role">{{ session.role() }}</span>
        <button type="button" (click)="signOut()">Sign out</button>
      </div>
    </header>
    <main id="main" tabindex="-1">
      <router-outlet />
    </main>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ShellComponent implements OnInit, OnDestroy {
  protected readonly session = inject(SessionStore);
  protected readonly events = inject(LiveEventsService);
  private readonly auth = inject(AuthService);
  private readonly router = inject(Router);

  protected navItems(): NavItem[] {
    return NAV.filter((item) => !item.adminOnly || this.session.canMutate());
  }

  protected connectionLabel(): string {
    switch (this.events.connection()) {
      case 'live':
        return 'Live';
      case 'polling':
        return 'Polling';
      default:
        return 'Connecting…';
    }
  }

  ngOnInit(): void {
    this.events.start();
    // The stored session may name a role the server has since changed; its answer wins.
    this.auth
      .me()
      .then((me) => this.session.confirm(me.name, me.role))
      .catch(() => undefined);
  }

  ngOnDestroy(): void {
    this.events.stop();
  }

  protected async signOut(): Promise<void> {
    this.events.stop();
    this.session.clear();
    await this.router.navigate(['/login']);
  }
}

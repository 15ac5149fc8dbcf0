import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';

import { errorMessage, formErrorMessage } from '../api/api-error';
import type { ApiTokenDto, ApiTokenRole, CreatedApiTokenDto, PoolDto } from '../api/generated/models';
import { PoolsService } from '../api/generated/services/pools.service';
import { TokensService } from '../api/generated/services/tokens.service';
import { ConfirmButtonComponent } from '../ui/confirm-button.component';

/** The command CI runs to make an endpoint its pool's target, ready to paste into a pipeline. */
export function setLatestCurl(origin: string, secret: string): string {
  return [
    `curl --fail-with-body -X POST \\`,
    `  -H 'Authorization: Bearer ${secret}' \\`,
    `  ${origin}/api/endpoints/<ENDPOINT_ID>/set-latest`,
  ].join('\n');
}

@Component({
  selector: 'ps-token-list',
  imports: [DatePipe, FormsModule, ConfirmButtonComponent],
  template: `
    <h1>API tokens</h1>
    <form class="card toolbar" (ngSubmit)="create()" aria-labelledby="new-token-title">
      <h2 id="new-token-title" class="visually-hidden">New token</h2>
      <label>Name <input name="name" required maxlength="100" [(ngModel)]="name" /></label>
      <label
        >Role
        <select name="role" [(ngModel)]="role">
          <option value="ci">ci: read, set latest, trigger sync</option>
          <option value="viewer">viewer: read only</option>
          <option value="admin">admin: everything</option>
        </select>
      </label>
      <label
        ><input type="checkbox" name="can_enroll" [(ngModel)]="canEnroll" /> May register endpoints</label
      >
      @if (canEnroll) {
        <label
          >Registers them into
          <select name="enroll_pool_id" [(ngModel)]="enrollPoolId">
            <option [ngValue]="null">no pool: an admin assigns them</option>
            @for (pool of pools(); track pool.id) {
              <option [ngValue]="pool.id">{{ pool.name }}</option>
            }
          </select>
        </label>
      }
      <button type="submit" class="primary" [disabled]="busy()">Create token</button>
    </form>
    <p class="muted" data-testid="enrolment-help">
      An enrolment token goes into the <code>[server] api_key</code> of every client that registers itself, so
      treat it as known to anyone with such a machine. With it a client can only register machines, and only
      into the pool the token names (or into no pool, where they wait for you). Each registered machine then
      uses its own endpoint token: it reports its own packages and syncs itself, and makes its state the
      pool's target only where the pool's sync policy allows endpoints to set latest (off unless you turn it
      on).
    </p>
    @if (error()) {
      <p class="error" role="alert">{{ error() }}</p>
    }
    @if (created(); as fresh) {
      <section class="card secret" aria-labelledby="secret-title" data-testid="token-secret">
        <h2 id="secret-title">Token "{{ fresh.token.name }}" created</h2>
        <p>Copy the secret now: it is shown only once and cannot be read back.</p>
        <label for="secret-value">Secret</label>
        <input id="secret-value" readonly [value]="fresh.secret" data-testid="secret-value" />
        <label for="curl-example">Set an endpoint as its pool's target from CI</label>
        <textarea id="curl-example" readonly rows="3" data-testid="curl-example">{{ curl() }}</textarea>
        <div class="toolbar">
          <button type="button" (click)="copy(fresh.secret)">Copy secret</button>
          <button type="button" (click)="copy(curl())">Copy curl command</button>
          <button type="button" (click)="created.set(null)">Done</button>
          <span role="status">{{ copied() }}</span>
        </div>
      </section>
    }
    @if (loadError()) {
      <p class="error" role="alert">Could not load tokens: {{ loadError() }}</p>
    } @else if (tokens() === null) {
      <p class="muted" role="status">Loading tokens…</p>
    } @else if (tokens()!.length === 0) {
      <p class="muted">No API tokens yet.</p>
    } @else {
      <table data-testid="token-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Prefix</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          @for (token of tokens(); track token.id) {
            <tr>
              <td>{{ token.name }}</td>
              <td>
                {{ token.role
                }}{{
                  token.can_enroll ? ', enrols into ' + (poolName(token.enroll_pool_id) ?? 'no pool') : ''
                }}
              </td>
              <td>
                <code>{{ token.token_prefix }}…</code>
              </td>
              <td>
                {{ token.created_at | date: 'short' }}{{ token.created_by ? ' by ' + token.created_by : '' }}
              </td>
              <td>{{ token.last_used_at ? (token.last_used_at | date: 'short') : 'never' }}</td>
              <td>{{ token.revoked_at ? 'revoked' : 'active' }}</td>
              <td>
                @if (!token.revoked_at) {
                  <ps-confirm-button
                    label="Revoke"
                    [title]="'Revoke token ' + token.name + '?'"
                    message="Every script and pipeline using this token is refused from now on. This cannot be undone."
                    confirmLabel="Revoke"
                    buttonClass="danger"
                    (confirmed)="revoke(token)"
                  />
                }
              </td>
            </tr>
          }
        </tbody>
      </table>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TokenListComponent implements OnInit {
  private readonly api = inject(TokensService);
  private readonly poolsApi = inject(PoolsService);

  protected name = '';
  protected role: ApiTokenRole = 'ci';
  protected canEnroll = false;
  protected enrollPoolId: string | null = null;
  protected readonly pools = signal<PoolDto[]>([]);
  protected readonly tokens = signal<ApiTokenDto[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);
  protected readonly created = signal<CreatedApiTokenDto | null>(null);
  protected readonly copied = signal('');
  protected readonly curl = computed(() => setLatestCurl(location.origin, this.created()?.secret ?? ''));

  ngOnInit(): void {
    void this.load();
  }

  protected async create(): Promise<void> {
    if (!this.name.trim()) {
      this.error.set('A token needs a name.');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      this.created.set(
        await this.api.createToken({
          body: {
            name: this.name.trim(),
            role: this.role,
            can_enroll: this.canEnroll,
            ...(this.canEnroll ? { enroll_pool_id: this.enrollPoolId } : {}),
          },
        }),
      );
      this.name = '';
      await this.load();
    } catch (error) {
      this.error.set(formErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async revoke(token: ApiTokenDto): Promise<void> {
    try {
      await this.api.revokeToken({ id: token.id });
      await this.load();
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }

  protected async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.copied.set('Copied.');
    } catch {
      this.copied.set('Copying is blocked here: select the text and copy it by hand.');
    }
  }

  protected poolName(id: string | null): string | null {
    if (id === null) return null;
    return this.pools().find((pool) => pool.id === id)?.name ?? id;
  }

  private async load(): Promise<void> {
    try {
      const [page, pools] = await Promise.all([
        this.api.listTokens({ limit: 500, offset: 0 }),
        this.poolsApi.listPools({ limit: 500, offset: 0 }),
      ]);
      this.pools.set(pools.items);
      this.tokens.set(page.items);
      this.loadError.set(null);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }
}

import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';

import { errorMessage, formErrorMessage } from '../api/api-error';
import type { UserDto, UserRole } from '../api/generated/models';
import { UsersService } from '../api/generated/services/users.service';
import { SessionStore } from '../auth/session.store';
import { ConfirmButtonComponent } from '../ui/confirm-button.component';

@Component({
  selector: 'ps-user-list',
  imports: [DatePipe, FormsModule, ConfirmButtonComponent],
  template: `
    <h1>Users</h1>
    <form class="card toolbar" (ngSubmit)="create()" aria-labelledby="new-user-title">
      <h2 id="new-user-title" class="visually-hidden">New user</h2>
      <label
        >Username <input name="username" required maxlength="64" autocomplete="off" [(ngModel)]="username"
      /></label>
      <label
        >Password
        <input name="password" type="password" required autocomplete="new-password" [(ngModel)]="password"
      /></label>
      <label
        >Role
        <select name="role" [(ngModel)]="role">
          <option value="viewer">viewer: read only</option>
          <option value="admin">admin: everything</option>
        </select>
      </label>
      <button type="submit" class="primary" [disabled]="busy()">Create user</button>
    </form>
    @if (error()) {
      <p class="error" role="alert">{{ error() }}</p>
    }
    @if (loadError()) {
      <p class="error" role="alert">Could not load users: {{ loadError() }}</p>
    } @else if (users() === null) {
      <p class="muted" role="status">Loading users…</p>
    } @else {
      <table data-testid="user-table">
        <thead>
          <tr>
            <th scope="col">Username</th>
            <th scope="col">Role</th>
            <th scope="col">Last login</th>
            <th scope="col">State</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          @for (user of users(); track user.id) {
            <tr>
              <td>{{ user.username }}</td>
              <td>{{ user.role }}</td>
              <td>{{ user.last_login_at ? (user.last_login_at | date: 'short') : 'never' }}</td>
              <td>{{ user.disabled ? 'disabled' : 'active' }}</td>
              <td>
                @if (user.username !== session.username()) {
                  <ps-confirm-button
                    [label]="user.disabled ? 'Enable' : 'Disable'"
                    [title]="(user.disabled ? 'Enable ' : 'Disable ') + user.username + '?'"
                    [message]="
                      user.disabled
                        ? 'The user can sign in again.'
                        : 'The user cannot sign in, and sessions already open stop working.'
                    "
                    [confirmLabel]="user.disabled ? 'Enable' : 'Disable'"
                    [buttonClass]="user.disabled ? '' : 'danger'"
                    (confirmed)="setDisabled(user, !user.disabled)"
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
export class UserListComponent implements OnInit {
  private readonly api = inject(UsersService);
  protected readonly session = inject(SessionStore);

  protected username = '';
  protected password = '';
  protected role: UserRole = 'viewer';
  protected readonly users = signal<UserDto[] | null>(null);
  protected readonly loadError = signal<string | null>(null);
  protected readonly error = signal<string | null>(null);
  protected readonly busy = signal(false);

  ngOnInit(): void {
    void this.load();
  }

  protected async create(): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    try {
      await this.api.createUser({
        body: { username: this.username.trim(), password: this.password, role: this.role },
      });
      this.username = '';
      this.password = '';
      await this.load();
    } catch (error) {
      this.error.set(formErrorMessage(error));
    } finally {
      this.busy.set(false);
    }
  }

  protected async setDisabled(user: UserDto, disabled: boolean): Promise<void> {
    try {
      await this.api.updateUser({ id: user.id, body: { disabled } });
      await this.load();
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }

  private async load(): Promise<void> {
    try {
      this.users.set((await this.api.listUsers({ limit: 500, offset: 0 })).items);
      this.loadError.set(null);
    } catch (error) {
      this.loadError.set(errorMessage(error));
    }
  }
}

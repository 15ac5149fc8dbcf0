import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, OnInit } from '@angular/core';
import { FormsModule } from '@angular/forms';

import type { AuditOutcome, AuditPageDto } from '../api/generated/models';
import { AuditService } from '../api/generated/services/audit.service';
import { PagedList } from '../ui/paged-list';
import { PagerComponent } from '../ui/pager.component';
import { StatusBadgeComponent } from '../ui/status-badge.component';

const PAGE = 50;

@Component({
  selector: 'ps-audit-log',
  imports: [DatePipe, FormsModule, PagerComponent, StatusBadgeComponent],
  template: `
    <h1>Audit log</h1>
    <form class="toolbar" (ngSubmit)="go(0)">
      <label>Actor <input name="actor" [(ngModel)]="actor" placeholder="exact, e.g. admin" /></label>
      <label>Action <input name="action" [(ngModel)]="action" placeholder="exact, e.g. createPool" /></label>
      <label
        >Outcome
        <select name="outcome" [(ngModel)]="outcome">
          <option value="">any</option>
          <option value="success">success</option>
          <option value="failure">failure</option>
          <option value="denied">denied</option>
        </select>
      </label>
      <button type="submit">Filter</button>
    </form>
    @if (error()) {
      <p class="error" role="alert">Could not load the audit log: {{ error() }}</p>
    } @else if (!page()) {
      <p class="muted" role="status">Loading the audit log…</p>
    } @else if (page()!.total === 0) {
      <p class="muted">No entry matches.</p>
    } @else {
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Role</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Outcome</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          @for (entry of page()!.items; track entry.id) {
            <tr>
              <td>{{ entry.created_at | date: 'medium' }}</td>
              <td>{{ entry.actor }}</td>
              <td>{{ entry.role }}</td>
              <td>{{ entry.action }}</td>
              <td class="wrap">{{ entry.target ?? '' }}</td>
              <td><ps-status-badge [status]="entry.outcome" /></td>
              <td>{{ entry.source_address ?? '' }}</td>
            </tr>
          }
        </tbody>
      </table>
      <ps-pager
        [offset]="offset()"
        [limit]="limit"
        [total]="page()!.total"
        label="Audit pages"
        (offsetChange)="go($event)"
      />
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AuditLogComponent implements OnInit {
  private readonly api = inject(AuditService);

  protected actor = '';
  protected action = '';
  protected outcome: AuditOutcome | '' = '';
  private readonly list = new PagedList<AuditPageDto>(PAGE, (limit, offset) =>
    this.api.listAudit({
      limit,
      offset,
      actor: this.actor.trim() || undefined,
      action: this.action.trim() || undefined,
      outcome: this.outcome || undefined,
    }),
  );
  protected readonly limit = this.list.limit;
  protected readonly offset = this.list.offset;
  protected readonly page = this.list.page;
  protected readonly error = this.list.error;

  ngOnInit(): void {
    void this.list.load();
  }

  protected go(offset: number): void {
    void this.list.go(offset);
  }
}

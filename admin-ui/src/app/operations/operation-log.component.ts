import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, inject, OnInit, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';

import type { OperationPageDto, OperationStatus } from '../api/generated/models';
import { OPERATION_STATUS } from '../api/generated/models/operation-status-array';
import { OperationsService } from '../api/generated/services/operations.service';
import { FleetStore } from '../endpoints/fleet.store';
import { LiveEventsService } from '../events/live-events.service';
import { PoolStore } from '../pools/pool.store';
import { PagedList } from '../ui/paged-list';
import { PagerComponent } from '../ui/pager.component';
import { StatusBadgeComponent } from '../ui/status-badge.component';

const PAGE = 50;

@Component({
  selector: 'ps-operation-log',
  imports: [DatePipe, FormsModule, RouterLink, PagerComponent, StatusBadgeComponent],
  template: `
    <h1>Operations</h1>
    <form class="toolbar" (submit)="$event.preventDefault()">
      <label
        >Status
        <select name="status" [ngModel]="status()" (ngModelChange)="status.set($event); go(0)">
          <option value="">any</option>
          @for (value of statuses; track value) {
            <option [value]="value">{{ value }}</option>
          }
        </select>
      </label>
      <label
        >Pool
        <select name="pool" [ngModel]="poolId()" (ngModelChange)="poolId.set($event); go(0)">
          <option value="">any</option>
          @for (pool of pools.pools(); track pool.id) {
            <option [value]="pool.id">{{ pool.name }}</option>
          }
        </select>
      </label>
    </form>
    @if (error()) {
      <p class="error" role="alert">Could not load operations: {{ error() }}</p>
    } @else if (!page()) {
      <p class="muted" role="status">Loading operations…</p>
    } @else if (page()!.total === 0) {
      <p class="muted">No operation matches.</p>
    } @else {
      <table data-testid="operation-table">
        <thead>
          <tr>
            <th scope="col">Created</th>
            <th scope="col">Type</th>
            <th scope="col">Endpoint</th>
            <th scope="col">Status</th>
            <th scope="col">Finished</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          @for (op of page()!.items; track op.id) {
            <tr>
              <td>{{ op.created_at | date: 'medium' }}</td>
              <td>{{ op.operation_type }}</td>
              <td>
                <a [routerLink]="['/endpoints', op.endpoint_id]">{{
                  fleet.nameOf().get(op.endpoint_id) ?? op.endpoint_id.slice(0, 8)
                }}</a>
              </td>
              <td><ps-status-badge [status]="op.status" /></td>
              <td>{{ op.completed_at ? (op.completed_at | date: 'medium') : '' }}</td>
              <td>{{ op.error ?? '' }}</td>
            </tr>
          }
        </tbody>
      </table>
      <ps-pager
        [offset]="offset()"
        [limit]="limit"
        [total]="page()!.total"
        label="Operation pages"
        (offsetChange)="go($event)"
      />
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OperationLogComponent implements OnInit {
  protected readonly fleet = inject(FleetStore);
  protected readonly pools = inject(PoolStore);
  private readonly api = inject(OperationsService);

  protected readonly statuses = OPERATION_STATUS;
  protected readonly status = signal<OperationStatus | ''>('');
  protected readonly poolId = signal('');
  private readonly list = new PagedList<OperationPageDto>(PAGE, (limit, offset) =>
    this.api.listOperations({
      limit,
      offset,
      status: this.status() || undefined,
      pool_id: this.poolId() || undefined,
    }),
  );
  protected readonly limit = this.list.limit;
  protected readonly offset = this.list.offset;
  protected readonly page = this.list.page;
  protected readonly error = this.list.error;

  constructor() {
    inject(LiveEventsService).listen(['operation.updated'], () => void this.list.load());
  }

  ngOnInit(): void {
    void this.pools.load();
    if (!this.fleet.loaded()) void this.fleet.load();
    void this.list.load();
  }

  protected go(offset: number): void {
    void this.list.go(offset);
  }
}

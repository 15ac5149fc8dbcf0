import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';

/** Previous/next over a server-paginated list, saying where in the total the page is. */
@Component({
  selector: 'ps-pager',
  template: `
    <nav class="pager" [attr.aria-label]="label()">
      <button type="button" [disabled]="offset() === 0" (click)="go(offset() - limit())">Previous</button>
      <span role="status">{{ range() }}</span>
      <button type="button" [disabled]="offset() + limit() >= total()" (click)="go(offset() + limit())">
        Next
      </button>
    </nav>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PagerComponent {
  readonly offset = input.required<number>();
  readonly limit = input.required<number>();
  readonly total = input.required<number>();
  readonly label = input('Pages');
  readonly offsetChange = output<number>();

  protected readonly range = computed(() => {
    if (this.total() === 0) return 'No entries';
    const last = Math.min(this.offset() + this.limit(), this.total());
    return `${this.offset() + 1}–${last} of ${this.total()}`;
  });

  protected go(offset: number): void {
    this.offsetChange.emit(Math.max(0, offset));
  }
}

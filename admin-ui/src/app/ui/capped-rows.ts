import { computed, signal, type Signal, type WritableSignal } from '@angular/core';

export interface CappedRows<T> {
  /** Set to true by the table's "Show all" button. */
  readonly showAll: WritableSignal<boolean>;
  readonly shownRows: Signal<T[]>;
}

/**
 * A first report against a 2,000-package target plans 2,000 installs; a table starts with the first rows
 * and shows the rest only when asked, so the page stays quick to render.
 */
export function cappedRows<T>(rows: Signal<T[]>, shown = 200): CappedRows<T> {
  const showAll = signal(false);
  return {
    showAll,
    shownRows: computed(() => (showAll() ? rows() : rows().slice(0, shown))),
  };
}

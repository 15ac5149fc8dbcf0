import { computed, signal, type Signal } from '@angular/core';

/**
 * A first report against a 2,000-package target plans 2,000 installs; a table starts with the first rows
 * and shows the rest only when asked, so the page stays quick to render.
 */
export function cappedRows<T>(rows: Signal<T[]>, shown = 200) {
  const showAll = signal(false);
  return {
    showAll,
    shownRows: computed(() => (showAll() ? rows() : rows().slice(0, shown))),
  };
}

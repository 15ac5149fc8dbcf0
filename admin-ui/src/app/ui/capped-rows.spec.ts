import { signal } from '@angular/core';

import { cappedRows } from './capped-rows';

const numbers = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('cappedRows', () => {
  it('shows the first 200 rows until asked for all of them', () => {
    const rows = signal(numbers(2000));
    const capped = cappedRows(rows);
    expect(capped.shownRows()).toEqual(numbers(200));
    capped.showAll.set(true);
    expect(capped.shownRows()).toHaveLength(2000);
  });

  it('follows the rows it caps, and shows a short list whole', () => {
    const rows = signal(numbers(5));
    const capped = cappedRows(rows, 3);
    expect(capped.shownRows()).toEqual([0, 1, 2]);
    rows.set([7, 8]);
    expect(capped.shownRows()).toEqual([7, 8]);
    rows.set([]);
    expect(capped.shownRows()).toEqual([]);
  });
});

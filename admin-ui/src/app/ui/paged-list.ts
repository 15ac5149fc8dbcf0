import { signal } from '@angular/core';

import { errorMessage } from '../api/api-error';

export interface ListPage<T> {
  items: T[];
  total: number;
}

/**
 * The paging state every filtered log page needs: the current offset, the last page fetched and the
 * error of the last fetch. The caller supplies the fetch, which reads its own filters.
 */
export class PagedList<P extends ListPage<unknown>> {
  readonly offset = signal(0);
  readonly page = signal<P | null>(null);
  readonly error = signal<string | null>(null);

  constructor(
    readonly limit: number,
    private readonly fetch: (limit: number, offset: number) => Promise<P>,
  ) {}

  go(offset: number): Promise<void> {
    this.offset.set(offset);
    return this.load();
  }

  async load(): Promise<void> {
    try {
      this.page.set(await this.fetch(this.limit, this.offset()));
      this.error.set(null);
    } catch (error) {
      this.error.set(errorMessage(error));
    }
  }
}

import { signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { debounceTime, distinctUntilChanged, Subject } from 'rxjs';

import { errorMessage } from '../api/api-error';

export interface ListPage<T> {
  items: T[];
  total: number;
}

/**
 * The paging state every filtered list page needs: the current offset, the last page fetched, whether a
 * fetch is in flight and the error of the last fetch. The caller supplies the fetch, which reads its own
 * filters. Only the latest fetch may answer: a slower reply to an older request (an earlier page, a search
 * typed over since) is dropped, so it can never overwrite what the newer one shows.
 */
export class PagedList<P extends ListPage<unknown>> {
  readonly offset = signal(0);
  readonly page = signal<P | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  private latestRequest = 0;

  constructor(
    readonly limit: number,
    private readonly fetch: (limit: number, offset: number) => Promise<P>,
  ) {}

  go(offset: number): Promise<void> {
    this.offset.set(offset);
    return this.load();
  }

  async load(): Promise<void> {
    const request = ++this.latestRequest;
    this.loading.set(true);
    try {
      const page = await this.fetch(this.limit, this.offset());
      if (request !== this.latestRequest) return;
      this.page.set(page);
      this.error.set(null);
    } catch (error) {
      if (request === this.latestRequest) this.error.set(errorMessage(error));
    } finally {
      if (request === this.latestRequest) this.loading.set(false);
    }
  }

  /** Changes rows of the page shown in place (a live status update), without a request. */
  patch(change: (page: P) => P): void {
    const page = this.page();
    if (page) this.page.set(change(page));
  }
}

/** Typing pauses this long before a search goes to the server, so a word is one request, not one per key. */
export const SEARCH_DEBOUNCE_MS = 300;

/**
 * For a search box over a server list: returns what to call on every keystroke; `apply` gets the trimmed
 * text once typing pauses (and only when it changed). Call it in an injection context (a field initialiser
 * or constructor): it stops with the component.
 */
export function searchAsYouType(apply: (search: string) => void): (typed: string) => void {
  const typed = new Subject<string>();
  typed.pipe(debounceTime(SEARCH_DEBOUNCE_MS), distinctUntilChanged(), takeUntilDestroyed()).subscribe(apply);
  return (text) => typed.next(text.trim());
}

import { ApiError } from '../api/api-error';
import { PagedList, type ListPage } from './paged-list';

type Page = ListPage<string> & { limit: number; offset: number };

describe('PagedList', () => {
  function list(fetch: (limit: number, offset: number) => Promise<Page>) {
    const calls: Array<[number, number]> = [];
    const paged = new PagedList<Page>(50, (limit, offset) => {
      calls.push([limit, offset]);
      return fetch(limit, offset);
    });
    return { paged, calls };
  }
  const answer = (limit: number, offset: number): Promise<Page> =>
    Promise.resolve({ items: [`row ${offset}`], total: 120, limit, offset });

  it('fetches the first page, then the page asked for, with its limit', async () => {
    const { paged, calls } = list(answer);
    expect([paged.page(), paged.error(), paged.offset()]).toEqual([null, null, 0]);
    await paged.load();
    expect(paged.page()?.items).toEqual(['row 0']);
    await paged.go(100);
    expect(paged.offset()).toBe(100);
    expect(paged.page()?.items).toEqual(['row 100']);
    expect(calls).toEqual([
      [50, 0],
      [50, 100],
    ]);
  });

  it('keeps the last page and says why when a fetch fails, and clears the error on the next success', async () => {
    let fail = false;
    const { paged } = list((limit, offset) =>
      fail ? Promise.reject(new ApiError(503, 'UNAVAILABLE', 'Database unavailable')) : answer(limit, offset),
    );
    await paged.load();
    fail = true;
    await paged.load();
    expect([paged.page()?.items, paged.error()]).toEqual([['row 0'], 'Database unavailable']);
    fail = false;
    await paged.load();
    expect(paged.error()).toBeNull();
  });
});

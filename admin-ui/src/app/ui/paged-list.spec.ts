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

  it('never lets an older, slower reply overwrite a newer page, nor its failure show', async () => {
    const replies: Array<{ offset: number; settle: (page: Page | Error) => void }> = [];
    const { paged } = list(
      (_limit, offset) =>
        new Promise<Page>((resolve, reject) =>
          replies.push({
            offset,
            settle: (page) => (page instanceof Error ? reject(page) : resolve(page)),
          }),
        ),
    );
    const first = paged.go(0);
    const second = paged.go(100);
    const third = paged.go(50);
    expect(paged.loading()).toBe(true);
    replies[1].settle({ items: ['row 100'], total: 120, limit: 50, offset: 100 });
    await second;
    expect(paged.page()).toBeNull();
    replies[2].settle({ items: ['row 50'], total: 120, limit: 50, offset: 50 });
    await third;
    expect([paged.page()?.items, paged.loading()]).toEqual([['row 50'], false]);
    replies[0].settle(new ApiError(503, 'UNAVAILABLE', 'Database unavailable'));
    await first;
    expect([paged.page()?.items, paged.error(), paged.loading()]).toEqual([['row 50'], null, false]);
    expect(replies.map((reply) => reply.offset)).toEqual([0, 100, 50]);
  });

  it('patches the page shown in place', async () => {
    const { paged } = list(answer);
    paged.patch(() => {
      throw new Error('nothing to patch yet');
    });
    await paged.load();
    paged.patch((page) => ({ ...page, items: page.items.map((item) => item.toUpperCase()) }));
    expect(paged.page()?.items).toEqual(['ROW 0']);
  });
});

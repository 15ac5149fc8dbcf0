import { computed, inject, Injectable, signal } from '@angular/core';

import { errorMessage } from '../api/api-error';
import type { PoolDto } from '../api/generated/models';
import { PoolsService } from '../api/generated/services/pools.service';

const PAGE_SIZE = 500;

/** All pools (a fleet has tens, not thousands), shared by every screen that names or picks a pool. */
@Injectable({ providedIn: 'root' })
export class PoolStore {
  private readonly api = inject(PoolsService);

  readonly pools = signal<readonly PoolDto[]>([]);
  readonly loading = signal(false);
  readonly loaded = signal(false);
  readonly error = signal<string | null>(null);
  readonly nameOf = computed(() => new Map(this.pools().map((pool) => [pool.id, pool.name])));

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const pools: PoolDto[] = [];
      for (let offset = 0; ; offset += PAGE_SIZE) {
        const page = await this.api.listPools({ limit: PAGE_SIZE, offset });
        pools.push(...page.items);
        if (offset + PAGE_SIZE >= page.total) break;
      }
      this.pools.set(pools.sort((a, b) => a.name.localeCompare(b.name)));
      this.error.set(null);
      this.loaded.set(true);
    } catch (error) {
      this.error.set(errorMessage(error));
    } finally {
      this.loading.set(false);
    }
  }
}

import { stateContentHash } from '@pacman-sync/shared';

import { makeState, repositoriesOffering } from './fixtures';
import type { TestApp } from './test-app';

/** A small fleet to aim requests at: two endpoints of one pool, a target, and a pending sync of `own`. */
export interface SeededFleet {
  poolId: string;
  own: { id: string; token: string };
  other: { id: string; token: string };
  /** A pending sync operation of `own`. */
  operationId: string;
  /** The pool's target snapshot (reported by `other`). */
  stateId: string;
}

export async function seedFleet(t: TestApp, name = 'seeded'): Promise<SeededFleet> {
  const poolId = (await t.http.post('/api/pools').send({ name }).expect(201)).body.id as string;
  const register = (machine: string) =>
    t.registerEndpoint(`${name}-${machine}`, { hostname: `${machine}.lan`, poolId });
  const own = await register('own');
  const other = await register('other');
  const target = makeState(40, { seed: 7 });
  const behind = makeState(40, { seed: 7, version: (_name, base) => base.replace(/-(\d+)$/, '-0') });
  for (const [endpoint, state] of [
    [own, behind],
    [other, target],
  ] as const) {
    await t.as(endpoint.token).post(`/api/endpoints/${endpoint.id}/state`).send(state).expect(200);
    await t
      .as(endpoint.token)
      .post(`/api/endpoints/${endpoint.id}/repositories`)
      .send({ repositories: repositoriesOffering(target, behind) })
      .expect(200);
  }
  const setLatest = await t.http.post(`/api/endpoints/${other.id}/set-latest`).expect(200);
  const stateId = (await t.http.get(`/api/pools/${poolId}/target`).expect(200)).body.id as string;
  const operationId = (await t.http.post(`/api/endpoints/${own.id}/sync`).expect(201)).body.id as string;
  if (setLatest.body.status !== 'completed') throw new Error('seedFleet: set-latest did not complete');
  if (stateContentHash(target) === stateContentHash(behind)) throw new Error('seedFleet: states must differ');
  return { poolId, own, other, operationId, stateId };
}

import { makeState, repositoriesOffering } from '../../support/fixtures';
import { api } from './server-process';

export interface E2eEndpoint {
  id: string;
  token: string;
}

/** Creates a pool with a reference endpoint (the target) and `behind` endpoints that lag it, over HTTP. */
export async function seedPool(
  url: string,
  adminToken: string,
  name: string,
  behindCount: number,
): Promise<{ poolId: string; reference: E2eEndpoint; behind: E2eEndpoint[] }> {
  const pool = await api<{ id: string }>(`${url}/api/pools`, {
    method: 'POST',
    token: adminToken,
    body: { name },
  });
  if (pool.status !== 201) throw new Error(`pool: ${pool.status} ${JSON.stringify(pool.body)}`);
  const target = makeState(60, { seed: 3 });
  const lagging = makeState(60, { seed: 3, version: (_name, base) => base.replace(/-(\d+)$/, '-0') });
  const register = async (machine: string, state: ReturnType<typeof makeState>): Promise<E2eEndpoint> => {
    const created = await api<{ endpoint: { id: string }; token: string }>(`${url}/api/endpoints`, {
      method: 'POST',
      token: adminToken,
      body: { name: `${name}-${machine}`, hostname: `${machine}.lan`, pool_id: pool.body.id },
    });
    if (created.status !== 201)
      throw new Error(`register: ${created.status} ${JSON.stringify(created.body)}`);
    const endpoint = { id: created.body.endpoint.id, token: created.body.token };
    const reported = await api(`${url}/api/endpoints/${endpoint.id}/state`, {
      method: 'POST',
      token: endpoint.token,
      body: state,
    });
    if (reported.status !== 200)
      throw new Error(`state: ${reported.status} ${JSON.stringify(reported.body)}`);
    const repositories = await api(`${url}/api/endpoints/${endpoint.id}/repositories`, {
      method: 'POST',
      token: endpoint.token,
      body: { repositories: repositoriesOffering(target, lagging) },
    });
    if (repositories.status !== 200) throw new Error(`repositories: ${repositories.status}`);
    return endpoint;
  };
  const reference = await register('reference', target);
  const behind: E2eEndpoint[] = [];
  for (let index = 0; index < behindCount; index++) behind.push(await register(`behind-${index}`, lagging));
  return { poolId: pool.body.id, reference, behind };
}

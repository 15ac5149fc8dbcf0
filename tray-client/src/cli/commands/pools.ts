import type { Command } from '../command';
import { EXIT } from '../exit-codes';

export const poolsCommand: Command = {
  name: 'pools',
  summary: 'list the pools the server knows',
  usage: '',
  description: [
    'Lists pools with their endpoint count, target and policy. Uses [server] api_key when set (an endpoint',
    'token may not list pools), else the endpoint token.',
  ],
  options: {},
  optionHelp: [],
  async run(context) {
    const config = context.config();
    const api = config.server.apiKey
      ? context.apiAt(config.server.url ?? context.credentials().server_url, config.server.apiKey)
      : context.api();
    const page = await api.listPools({ limit: 500 });
    if (context.json) {
      context.emit(page);
      return EXIT.OK;
    }
    if (page.items.length === 0) context.out('no pools');
    for (const pool of page.items) {
      const policy = pool.sync_policy;
      context.out(
        `${pool.id}  ${pool.name}  endpoints: ${pool.endpoints.length}  target: ${pool.target_state_id ?? 'none'}` +
          `  auto_sync: ${policy.auto_sync ? 'on' : 'off'}`,
      );
    }
    return EXIT.OK;
  },
};

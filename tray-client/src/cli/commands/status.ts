import { ServerUnreachableError } from '../../api/api-error';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { formatEndpoint } from '../format';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show this endpoint’s sync status (the cached one when the server is unreachable)',
  usage: '',
  description: [
    'Asks the server for this endpoint’s status and caches it for Waybar. When the server cannot be',
    'reached, prints the last cached status and exits 4.',
  ],
  options: {},
  optionHelp: [],
  async run(context) {
    const { endpoint_id: endpointId } = context.credentials();
    const store = context.store();
    try {
      const endpoint = await context.api().getEndpoint(endpointId);
      const previous = store.readLastStatus();
      store.writeLastStatus({
        endpoint_id: endpointId,
        sync_status: endpoint.sync_status,
        checked_at: new Date().toISOString(),
        summary: previous?.sync_status === endpoint.sync_status ? previous.summary : null,
      });
      if (context.json) context.emit({ endpoint, cached: false });
      else for (const line of formatEndpoint(endpoint)) context.out(line);
      return EXIT.OK;
    } catch (error) {
      if (!(error instanceof ServerUnreachableError)) throw error;
      const cached = store.readLastStatus();
      if (context.json) {
        context.emit({ cached: true, status: cached, error: { code: error.code, message: error.message } });
      } else {
        context.out(`server unreachable (${error.reason}); last known status:`);
        context.out(
          cached
            ? `status:    ${cached.sync_status} (as of ${cached.checked_at})`
            : 'status:    never checked',
        );
        if (cached?.summary) context.out(`summary:   ${cached.summary}`);
      }
      return EXIT.UNREACHABLE;
    }
  },
};

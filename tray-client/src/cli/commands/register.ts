import { hostname as osHostname } from 'node:os';

import type { Command } from '../command';
import { EXIT, RefusedError, UsageError } from '../exit-codes';

// The server's bounds for report_interval (seconds).
const MIN_REPORT_INTERVAL = 10;
const MAX_REPORT_INTERVAL = 86400;

/** The server takes RFC 1123 names; a machine named with underscores or spaces is still registrable. */
export function hostNameForServer(name: string): string {
  const labels = name
    .split('.')
    .map((label) =>
      label
        .replace(/[^A-Za-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63),
    )
    .filter(Boolean);
  return labels.length > 0 ? labels.join('.').slice(0, 253) : 'localhost';
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const registerCommand: Command = {
  name: 'register',
  summary: 'register this machine with the server and keep its endpoint token',
  usage: '[--server URL] [--api-key KEY] [--name NAME] [--pool POOL_ID] [--force]',
  description: [
    'Registers this machine as an endpoint. The server URL, API key, endpoint name and pool come from',
    'client.conf ([server] url, api_key; [client] endpoint_name, pool_id); flags override them. The',
    'endpoint token the server answers with is stored in $XDG_STATE_HOME/pacman-sync/endpoint.json (0600).',
  ],
  options: {
    server: { type: 'string' },
    'api-key': { type: 'string' },
    name: { type: 'string' },
    pool: { type: 'string' },
    hostname: { type: 'string' },
    force: { type: 'boolean' },
  },
  optionHelp: [
    ['--server URL', 'server base URL (overrides [server] url)'],
    ['--api-key KEY', 'admin API key or enrollment token (overrides [server] api_key)'],
    ['--name NAME', 'endpoint name (overrides [client] endpoint_name; default: the host name)'],
    ['--pool POOL_ID', 'pool to join (overrides [client] pool_id)'],
    ['--hostname HOST', 'host name to report (default: this machine’s)'],
    ['--force', 'register again although a token is stored (the old endpoint stays on the server)'],
  ],
  async run(context, values) {
    const config = context.config();
    const serverUrl = (values.server as string | undefined) ?? config.server.url;
    if (!serverUrl)
      throw new UsageError('no server URL: set [server] url in client.conf or pass --server URL');
    if (!/^https?:\/\/\S+$/.test(serverUrl))
      throw new UsageError(`--server must be an http(s) URL, got ${serverUrl}`);
    const apiKey = (values['api-key'] as string | undefined) ?? config.server.apiKey;
    const poolId = (values.pool as string | undefined) ?? config.client.poolId;
    if (poolId !== null && !UUID.test(poolId)) throw new UsageError(`pool id must be a UUID, got ${poolId}`);
    const store = context.store();
    const existing = store.readCredentials();
    if (existing && !values.force) {
      throw new RefusedError(
        `already registered as endpoint ${existing.endpoint_id} at ${existing.server_url}; pass --force to register again`,
        'ALREADY_REGISTERED',
      );
    }
    const api = context.apiAt(serverUrl, apiKey);
    const registered = await api.register({
      name: (values.name as string | undefined) ?? config.client.endpointName,
      hostname: (values.hostname as string | undefined) ?? hostNameForServer(osHostname()),
      pool_id: poolId,
      report_interval: Math.min(MAX_REPORT_INTERVAL, Math.max(MIN_REPORT_INTERVAL, config.ui.updateInterval)),
    });
    store.writeCredentials({
      endpoint_id: registered.endpoint.id,
      token: registered.token,
      server_url: serverUrl.replace(/\/+$/, ''),
    });
    if (context.json) {
      context.emit({ endpoint: registered.endpoint, credentials_file: store.credentialsPath });
    } else {
      context.out(`registered "${registered.endpoint.name}" as endpoint ${registered.endpoint.id}`);
      context.out(`token stored in ${store.credentialsPath}`);
      context.out('next: pacman-sync report');
    }
    return EXIT.OK;
  },
};

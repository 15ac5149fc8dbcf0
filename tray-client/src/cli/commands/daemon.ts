import { join } from 'node:path';

import { PacmanAdapter } from '../../core/pacman/pacman-adapter';
import type { OperationRunner } from '../../operations/operation-runner';
import { Daemon, DaemonOptions, STAMP_FILE, SYSTEM_STAMP_PATH } from '../../daemon/daemon';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { EXIT } from '../exit-codes';

/** The daemon as the CLI, the systemd units and the headless tray start it. */
export function createDaemon(
  context: CliContext,
  options: { log: (line: string) => void; adapter?: PacmanAdapter; runner?: OperationRunner } & Pick<
    DaemonOptions,
    'confirm' | 'onOperationFinished' | 'onCycle'
  >,
): Daemon {
  const api = context.api();
  const adapter = options.adapter ?? context.adapter();
  const credentials = context.credentials();
  const config = context.config();
  const stampPaths = [join(context.store().dir, STAMP_FILE)];
  const systemStamp = context.io.env.PACMAN_SYNC_SYSTEM_STAMP ?? SYSTEM_STAMP_PATH;
  if (!stampPaths.includes(systemStamp)) stampPaths.push(systemStamp);
  return new Daemon({
    api,
    reporter: context.reporter(api, adapter),
    // The tray passes its own runner, so its menu and its daemon share one guard against a second sync.
    runner: options.runner ?? context.runner(api, adapter),
    endpointId: credentials.endpoint_id,
    serverUrl: credentials.server_url,
    token: credentials.token,
    autoSync: config.client.autoSync,
    updateIntervalMs: config.ui.updateInterval * 1000,
    stampPaths,
    log: options.log,
    confirm: options.confirm,
    onOperationFinished: options.onOperationFinished,
    onCycle: options.onCycle,
  });
}

export const daemonCommand: Command = {
  name: 'daemon',
  summary: 'report and run operations in the background (for machines without a desktop)',
  usage: '[--once]',
  description: [
    'Reports on start, every [ui] update_interval seconds and after every pacman transaction (the pacman',
    'hook touches a stamp file), receives operations over the server’s event stream (polling when it is',
    'down) and runs them when the pool’s or the config’s auto_sync says so. Stops on SIGINT/SIGTERM.',
  ],
  options: { once: { type: 'boolean' } },
  optionHelp: [['--once', 'run one cycle (report, then pending operations) and exit']],
  async run(context, values) {
    const log = (line: string) => context.io.stderr.write(`${line}\n`);
    const daemon = createDaemon(context, { log });
    if (values.once) {
      const result = await daemon.runOnce();
      const summary = {
        reported: result.reported,
        executed: result.executed.map((outcome) => outcome.operation),
        failed: result.failed.map(({ operation, error }) => ({
          id: operation.id,
          error: (error as Error).message,
        })),
        left: result.left.map((operation) => operation.id),
        unreachable: result.unreachable,
      };
      if (context.json) context.emit(summary);
      else {
        context.out(result.reported ? 'reported' : 'not reported');
        for (const operation of summary.executed)
          context.out(`ran ${operation.operation_type} ${operation.id}`);
        for (const failure of summary.failed) context.out(`failed ${failure.id}: ${failure.error}`);
        for (const id of summary.left) context.out(`left for the user: ${id}`);
      }
      if (result.unreachable) return EXIT.UNREACHABLE;
      return result.failed.length > 0 ? EXIT.ERROR : EXIT.OK;
    }
    const controller = new AbortController();
    const stop = () => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    context.deps.signal?.addEventListener('abort', stop, { once: true });
    try {
      log(`pacman-sync daemon: started for endpoint ${context.credentials().endpoint_id}`);
      await daemon.run(controller.signal);
      log('pacman-sync daemon: stopped');
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    return EXIT.OK;
  },
};

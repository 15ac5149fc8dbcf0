import type { CoreTrayBackend } from '../../tray-backend/core-tray-backend';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { createDaemon } from './daemon';

export const trayCommand: Command = {
  name: 'tray',
  summary: 'run the tray indicator (the default without a command)',
  usage: '[--headless]',
  description: [
    'Shows the status indicator with its menu (Sync now, Set as latest, Revert, Show details, …) and',
    'runs the daemon loop underneath. Without a display or tray host it exits 5 with the reason; with',
    '--headless it runs the daemon instead.',
  ],
  options: { headless: { type: 'boolean' } },
  optionHelp: [['--headless', 'without a display or tray host, run the daemon instead of exiting 5']],
  async run(context, values) {
    const { detectTrayEnvironment, TRAY_UNAVAILABLE_EXIT_CODE } = await import('../../tray/tray-environment');
    const environment = await detectTrayEnvironment(context.io.env);
    if (!environment.ok && values.headless) {
      context.io.stderr.write(`pacman-sync: no tray (${environment.reason}); running headless\n`);
      const { daemonCommand } = await import('./daemon');
      return daemonCommand.run(context, {});
    }
    if (!environment.ok) {
      context.io.stderr.write(`pacman-sync: cannot show the tray: ${environment.reason}\n`);
      return TRAY_UNAVAILABLE_EXIT_CODE;
    }
    const { runTray } = await import('../../tray/tray-app');
    const log = (line: string) => context.io.stderr.write(`${line}\n`);
    const backend = await createTrayBackend(context, log);
    const controller = new AbortController();
    const running = backend.run(controller.signal);
    try {
      const code = await runTray(backend, {
        env: context.io.env,
        notifications: context.config().ui.showNotifications,
        log,
      });
      return code;
    } finally {
      controller.abort();
      await running;
    }
  },
};

/** The tray's backend on the core, with the daemon loop underneath (exported for tests without GTK). */
export async function createTrayBackend(
  context: CliContext,
  log: (line: string) => void,
): Promise<CoreTrayBackend> {
  const { CoreTrayBackend } = await import('../../tray-backend/core-tray-backend');
  const config = context.config();
  const credentials = context.credentials();
  const api = context.api();
  // The tray asks for privileges with pkexec (a graphical prompt), not sudo on a terminal it lacks.
  const adapter = context.adapter({ autoPrivilege: 'pkexec' });
  const runner = context.runner(api, adapter);
  return new CoreTrayBackend({
    api,
    reporter: context.reporter(api, adapter),
    runner,
    store: context.store(),
    endpointId: credentials.endpoint_id,
    endpointName: config.client.endpointName,
    serverUrl: credentials.server_url,
    configPath: context.configPath,
    autoSync: config.client.autoSync,
    createDaemon: (hooks) =>
      createDaemon(context, {
        log,
        adapter,
        runner,
        confirm: hooks.confirm,
        onOperationFinished: (operation, _outcome, error) => hooks.onOperationFinished(operation, error),
        onCycle: hooks.onCycle,
      }),
  });
}

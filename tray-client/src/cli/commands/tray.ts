import type { Command } from '../command';
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
    const { detectTrayEnvironment } = await import('../../tray/tray-environment');
    const environment = await detectTrayEnvironment(context.io.env);
    if (!environment.ok && values.headless) {
      context.io.stderr.write(`pacman-sync: no tray (${environment.reason}); running headless\n`);
      const { daemonCommand } = await import('./daemon');
      return daemonCommand.run(context, {});
    }
    const { runTray } = await import('../../tray/tray-app');
    const { CoreTrayBackend } = await import('../../tray-backend/core-tray-backend');
    const log = (line: string) => context.io.stderr.write(`${line}\n`);
    const config = context.config();
    const credentials = context.credentials();
    const api = context.api();
    // The tray asks for privileges with pkexec (a graphical prompt), not sudo on a terminal it lacks.
    const adapter = context.adapter({ autoPrivilege: 'pkexec' });
    const backend = new CoreTrayBackend({
      api,
      reporter: context.reporter(api, adapter),
      runner: context.runner(api, adapter),
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
          confirm: hooks.confirm,
          onOperationFinished: (operation, _outcome, error) => hooks.onOperationFinished(operation, error),
          onCycle: hooks.onCycle,
        }),
    });
    const controller = new AbortController();
    const running = backend.run(controller.signal);
    try {
      const code = await runTray(backend, {
        env: context.io.env,
        notifications: config.ui.showNotifications,
        log,
      });
      return code;
    } finally {
      controller.abort();
      await running;
    }
  },
};

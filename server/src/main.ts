import { AppConfig, ConfigError, loadConfig } from './config/config';

/** Below the stop timeout given to systemd (TimeoutStopSec=30) and compose (stop_grace_period: 30s). */
const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line naming the variable, no stack: this is the operator's mistake, not a bug.
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // Imported after the config is known so a bad environment fails before Nest and TypeORM load.
  const { createApp } = await import('./app');
  const app = await createApp(config);
  await app.listen(config.httpPort, config.httpHost);
  // Not Nest's enableShutdownHooks: it re-raises the signal after closing, so a clean stop would exit 143
  // and look like a failure to systemd and container runtimes. app.close() closes the WebSockets with 1012,
  // lets Fastify finish in-flight requests, then stops the job and the database.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(1);
    }
    stopping = true;
    const deadline = setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${SHUTDOWN_DEADLINE_MS / 1000} s: exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `pacman-sync server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

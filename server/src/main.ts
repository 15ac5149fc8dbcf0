import { AppConfig, ConfigError, loadConfig } from './config/config';

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
  app.enableShutdownHooks();
  await app.listen(config.httpPort, config.httpHost);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `pacman-sync server failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

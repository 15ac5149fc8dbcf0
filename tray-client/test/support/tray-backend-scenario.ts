import { Readable } from 'node:stream';

import type { SyncPlan } from '@pacman-sync/shared';

import { createTrayBackend } from '../../src/cli/commands/tray';
import { CliContext } from '../../src/cli/context';
import type { PacmanAdapterOptions } from '../../src/core/pacman/pacman-adapter';
import type { TrayOperation, TrayStatus } from '../../src/tray/tray-backend';

export interface TrayBackendScenarioInput {
  env: Record<string, string>;
  adapterOptions: Omit<PacmanAdapterOptions, 'runner'>;
}

export interface TrayBackendScenarioResult {
  endpointName: string;
  poolName: string | null;
  plan: SyncPlan | null;
  operationsBefore: readonly TrayOperation[];
  consoleUrl: string | null;
  configPath: string;
  finished: string[];
  current: TrayStatus;
  operationsAfter: readonly TrayOperation[];
}

/**
 * What the fleet test asks of the backend `pacman-sync tray` builds: its details, then Sync now. It runs in
 * the process of whoever the client runs as (the test process for root, the desktop user's host otherwise).
 */
export async function runTrayBackendScenario(
  input: TrayBackendScenarioInput,
): Promise<TrayBackendScenarioResult> {
  const context = new CliContext(
    {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdin: Readable.from([]),
      env: input.env,
    },
    { json: false, configFlag: null, verbose: false },
    { adapterOptions: input.adapterOptions },
  );
  const backend = await createTrayBackend(context, () => undefined);
  const finished: string[] = [];
  backend.onOperationFinished((operation) => finished.push(`${operation.type} ${operation.status}`));
  const before = await backend.details();
  await backend.syncNow();
  const after = await backend.details();
  return {
    endpointName: before.endpointName,
    poolName: before.poolName,
    plan: before.plan,
    operationsBefore: before.operations,
    consoleUrl: backend.consoleUrl(),
    configPath: backend.configPath(),
    finished,
    current: backend.current(),
    operationsAfter: after.operations,
  };
}

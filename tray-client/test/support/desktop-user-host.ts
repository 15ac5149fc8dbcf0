// The client's side of a desktop-user test: this process runs as the unprivileged desktop user (started by
// desktop-session.ts) and runs the client's own code — the pacman adapter, the CLI's main(), the tray
// backend — exactly as that user's client would, taking requests from the test process over IPC.
import { Readable } from 'node:stream';

import { main } from '../../src/main';
import { PacmanConfig } from '../../src/core/config/client-config';
import { PacmanAdapter, PacmanAdapterOptions } from '../../src/core/pacman/pacman-adapter';
import { PacmanError, UnsafeTargetError } from '../../src/core/pacman/pacman-errors';
import { RecordingRunner } from './recording-runner';
import { runTrayBackendScenario, TrayBackendScenarioInput } from './tray-backend-scenario';

export type AdapterMethod =
  | 'readInstalledState'
  | 'readRepositories'
  | 'readCachedPackages'
  | 'readPackageOffer'
  | 'applyPlan'
  | 'pacmanConf';

export type HostRequest =
  | {
      id: number;
      type: 'adapter';
      config: PacmanConfig;
      options: Omit<PacmanAdapterOptions, 'runner'>;
      method: AdapterMethod;
      args: unknown[];
      record: boolean;
    }
  | {
      id: number;
      type: 'cli';
      args: string[];
      env: Record<string, string>;
      adapterOptions: Omit<PacmanAdapterOptions, 'runner'>;
      http: Record<string, unknown>;
      live: boolean;
    }
  | { id: number; type: 'abort'; target: number }
  | { id: number; type: 'tray-backend'; input: TrayBackendScenarioInput };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  outputTail?: readonly string[];
  exitCode?: number | null;
  field?: string;
  value?: string;
}

export type HostReply =
  | { id: number; progress: unknown }
  | { id: number; stderr: string }
  | { id: number; done: true; result?: unknown; error?: SerializedError; calls?: RecordingRunner['calls'] };

const running = new Map<number, AbortController>();

function reply(message: HostReply): void {
  process.send?.(message);
}

function serialize(error: unknown): SerializedError {
  if (error instanceof PacmanError) {
    return {
      name: error.name,
      message: error.message,
      code: error.code,
      outputTail: error.outputTail,
      exitCode: error.exitCode,
    };
  }
  if (error instanceof UnsafeTargetError) {
    return { name: error.name, message: error.message, field: error.field, value: error.value };
  }
  const plain = error instanceof Error ? error : new Error(String(error));
  return { name: plain.name, message: plain.message, stack: plain.stack };
}

async function handle(request: HostRequest): Promise<void> {
  switch (request.type) {
    case 'adapter': {
      const runner = request.record ? new RecordingRunner() : undefined;
      const adapter = new PacmanAdapter(request.config, { ...request.options, runner });
      const args = [...request.args];
      if (request.method === 'applyPlan') {
        const options = (args[1] ?? {}) as Record<string, unknown>;
        args[1] = { ...options, onProgress: (progress: unknown) => reply({ id: request.id, progress }) };
      }
      try {
        const method = adapter[request.method] as (...values: unknown[]) => Promise<unknown>;
        const result = await method.apply(adapter, args);
        reply({ id: request.id, done: true, result, calls: runner?.calls });
      } catch (error) {
        reply({ id: request.id, done: true, error: serialize(error), calls: runner?.calls });
      }
      return;
    }
    case 'cli': {
      const controller = new AbortController();
      running.set(request.id, controller);
      let stdout = '';
      let stderr = '';
      const stdin = Object.assign(Readable.from([]), { isTTY: false });
      try {
        const code = await main(
          request.args,
          {
            stdout: { write: (text: string) => (stdout += text), isTTY: false },
            stderr: {
              write: (text: string) => {
                stderr += text;
                if (request.live) reply({ id: request.id, stderr: text });
                return true;
              },
              isTTY: false,
            },
            stdin,
            env: request.env,
          },
          { adapterOptions: request.adapterOptions, http: request.http, signal: controller.signal },
        );
        reply({ id: request.id, done: true, result: { code, stdout, stderr } });
      } catch (error) {
        reply({ id: request.id, done: true, error: serialize(error) });
      } finally {
        running.delete(request.id);
      }
      return;
    }
    case 'abort':
      running.get(request.target)?.abort();
      return;
    case 'tray-backend':
      try {
        reply({ id: request.id, done: true, result: await runTrayBackendScenario(request.input) });
      } catch (error) {
        reply({ id: request.id, done: true, error: serialize(error) });
      }
      return;
  }
}

process.on('message', (request: HostRequest) => void handle(request));
// The test process going away ends this one: nothing of a test may outlive it.
process.on('disconnect', () => process.exit(0));
reply({ id: 0, done: true, result: { uid: process.getuid?.() } });

import { planChangeCount, type SyncPlan } from '@pacman-sync/shared';

import { ApiError } from '../../api/api-error';
import type { Operation, PlanKind } from '../../api/api-types';
import { PacmanSyncApi } from '../../api/pacman-sync-api';
import { parsePlan, samePlanChanges } from '../../operations/plan-validation';
import { summarise } from '../../operations/operation-runner';
import type { Command } from '../command';
import { EXIT, RefusedError } from '../exit-codes';
import { formatPlan } from '../format';
import { ProgressBar } from '../progress-bar';
import { confirmChange } from '../prompt';

/**
 * `sync` and `revert`: show the plan, ask, then let the server create the operation, claim it, apply it
 * in one pacman transaction, and report the outcome and the new state.
 */
function changeCommand(kind: PlanKind): Command {
  const verb = kind === 'sync' ? 'sync' : 'revert';
  return {
    name: verb,
    summary:
      kind === 'sync'
        ? 'bring this machine to its pool’s target (asks first)'
        : 'go back to the state before the last sync or revert (asks first)',
    usage: '[--yes|--noconfirm] [--dry-run] [--no-report]',
    description: [
      kind === 'sync'
        ? 'Installs, upgrades, downgrades (and, if the pool says so, removes) packages to match the pool target,'
        : 'Restores the package versions from before the last completed sync or revert, removing what it installed,',
      'in one pacman transaction. The plan is shown first and confirmed on a terminal; without a terminal',
      'and without --yes nothing is changed (exit 3). A pending operation the server already holds for this',
      'endpoint (from auto_sync or the console) is the one applied.',
    ],
    options: {
      yes: { type: 'boolean', short: 'y' },
      noconfirm: { type: 'boolean' },
      'dry-run': { type: 'boolean', short: 'n' },
      'no-report': { type: 'boolean' },
    },
    optionHelp: [
      ['-y, --yes, --noconfirm', 'do not ask'],
      ['-n, --dry-run', 'print the plan and stop'],
      ['--no-report', 'skip the state report before planning'],
    ],
    async run(context, values) {
      const api = context.api();
      const adapter = context.adapter();
      const { endpoint_id: endpointId } = context.credentials();
      if (!values['no-report']) await context.reporter(api, adapter).report();

      const pending = await findPending(api, endpointId, kind);
      const plan = pending
        ? await planOf(api, pending)
        : parsePlan((await api.getPlan(endpointId, kind)).plan);
      const title = pending ? `${verb} plan (operation ${pending.id})` : `${verb} plan`;
      if (!context.json || values['dry-run']) {
        if (context.json) context.emit({ kind, dry_run: true, operation_id: pending?.id ?? null, plan });
        else for (const line of formatPlan(plan, title)) context.out(line);
      }
      if (values['dry-run']) return EXIT.OK;
      // Unavailable packages are the server's to judge (SYNC_CONFLICT under conflict_resolution=manual).
      if (planChangeCount(plan) === 0 && plan.unavailable.length === 0 && !pending) {
        if (context.json) context.emit({ kind, changed: false, plan });
        else if (plan.held.length > 0) context.out('nothing to change: the remaining differences are held');
        else context.out(kind === 'sync' ? 'already matches the pool target' : 'nothing to revert');
        return EXIT.OK;
      }

      await confirmChange(context.io, `Apply this ${verb}?`, {
        yes: Boolean(values.yes || values.noconfirm),
        confirm: context.deps.confirm,
      });

      const operation = pending ?? (await createOperation(api, endpointId, kind, plan));
      const bar = new ProgressBar(context.json ? { write: () => undefined } : context.io.stderr);
      try {
        const outcome = await context.runner(api, adapter).run(operation, (event) => bar.update(event));
        bar.finish();
        if (context.json) {
          context.emit({
            kind,
            changed: true,
            operation: outcome.operation,
            summary: outcome.summary,
            sync_status: outcome.report?.sync_status ?? null,
          });
        } else {
          context.out(summarise(outcome.summary).split('\n')[0]);
          if (outcome.report) context.out(`status: ${outcome.report.sync_status}`);
        }
        return EXIT.OK;
      } finally {
        bar.finish();
      }
    },
  };
}

async function findPending(
  api: PacmanSyncApi,
  endpointId: string,
  kind: PlanKind,
): Promise<Operation | null> {
  const page = await api.listOperations({ endpoint_id: endpointId, status: 'pending', limit: 10 });
  const active = page.items.filter(
    (operation) => operation.operation_type === 'sync' || operation.operation_type === 'revert',
  );
  const mine = active.find((operation) => operation.operation_type === kind);
  if (mine) return mine;
  if (active.length > 0) {
    throw new RefusedError(
      `operation ${active[0].id} (${active[0].operation_type}) is already pending for this endpoint; ` +
        `run "pacman-sync ${active[0].operation_type}" to apply it`,
      'SYNC_CONFLICT',
    );
  }
  return null;
}

/** The plan of a pending operation; one the client refuses is failed on the server, so the refusal shows there. */
async function planOf(api: PacmanSyncApi, operation: Operation): Promise<SyncPlan> {
  try {
    return parsePlan(operation.details?.plan);
  } catch (error) {
    await api.failOperation(operation.id, (error as Error).message.slice(0, 4000)).catch(() => undefined);
    throw error;
  }
}

/** Creates the operation and makes sure it changes exactly what the user was shown. */
async function createOperation(
  api: PacmanSyncApi,
  endpointId: string,
  kind: PlanKind,
  shown: SyncPlan,
): Promise<Operation> {
  const operation = kind === 'sync' ? await api.requestSync(endpointId) : await api.requestRevert(endpointId);
  const created = parsePlan(operation.details?.plan);
  if (!samePlanChanges(created, shown)) {
    await api.cancelOperation(operation.id).catch((error: unknown) => {
      if (!(error instanceof ApiError)) throw error;
    });
    throw new RefusedError(
      'the plan changed on the server while you were deciding; run the command again',
      'PLAN_CHANGED',
    );
  }
  return operation;
}

export const syncCommand = changeCommand('sync');
export const revertCommand = changeCommand('revert');

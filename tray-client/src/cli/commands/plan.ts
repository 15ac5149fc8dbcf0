import type { Command } from '../command';
import { EXIT } from '../exit-codes';
import { formatPlan } from '../format';
import { parsePlan } from '../../operations/plan-validation';

export const planCommand: Command = {
  name: 'plan',
  summary: 'show what a sync (or, with --revert, a revert) would change, without changing anything',
  usage: '[--revert] [--no-report]',
  description: [
    'Reports the current state first (so the plan starts from what is installed now), then prints the',
    'plan the server computes against the pool target.',
  ],
  options: { revert: { type: 'boolean' }, 'no-report': { type: 'boolean' } },
  optionHelp: [
    ['--revert', 'the plan back to the state before the last sync or revert'],
    ['--no-report', 'use the state the server already has'],
  ],
  async run(context, values) {
    const api = context.api();
    const { endpoint_id: endpointId } = context.credentials();
    if (!values['no-report']) await context.reporter(api).report();
    const kind = values.revert ? 'revert' : 'sync';
    const answer = await api.getPlan(endpointId, kind);
    const plan = parsePlan(answer.plan);
    if (context.json) context.emit({ ...answer, plan });
    else
      for (const line of formatPlan(plan, kind === 'revert' ? 'revert plan' : 'sync plan')) context.out(line);
    return EXIT.OK;
  },
};

import type { Command } from '../command';
import { EXIT } from '../exit-codes';

export const setLatestCommand: Command = {
  name: 'set-latest',
  summary: 'make this machine’s current state its pool’s target',
  usage: '[--no-report]',
  description: [
    'Reports the current state, then makes it the pool target. With the pool’s auto_sync the server',
    'creates sync operations for the other endpoints.',
  ],
  options: { 'no-report': { type: 'boolean' } },
  optionHelp: [['--no-report', 'use the state the server already has']],
  async run(context, values) {
    const api = context.api();
    const reporter = context.reporter(api);
    if (!values['no-report']) await reporter.report();
    const operation = await api.setLatest(context.credentials().endpoint_id);
    await reporter.remember('in_sync');
    if (context.json) context.emit({ operation });
    else context.out(`this machine's state ${operation.target_state_id} is now the pool target`);
    return EXIT.OK;
  },
};

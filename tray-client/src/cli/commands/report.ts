import { ServerUnreachableError } from '../../api/api-error';
import type { Command } from '../command';
import { EXIT } from '../exit-codes';

export const reportCommand: Command = {
  name: 'report',
  summary: 'report installed packages and repositories to the server',
  usage: '[--no-repositories]',
  description: [
    'Reads the installed packages and the repositories with pacman and reports them. A routine report',
    'sends only content hashes; the full lists go when the server does not hold them yet.',
  ],
  options: { 'no-repositories': { type: 'boolean' } },
  optionHelp: [['--no-repositories', 'report the installed packages only']],
  async run(context, values) {
    const outcome = await context.reporter().report({ repositories: !values['no-repositories'] });
    if (outcome === null) {
      throw new ServerUnreachableError(context.credentials().server_url, 'the report could not be delivered');
    }
    if (context.json) {
      context.emit({
        sync_status: outcome.sync_status,
        state: { sent: outcome.state.sent, ...outcome.state.result },
        repositories: outcome.repositories && {
          sent: outcome.repositories.sent,
          ...outcome.repositories.result,
        },
      });
    } else {
      const state = outcome.state.sent === 'hash' ? 'unchanged (hash only)' : 'sent in full';
      context.out(`state:        ${state}`);
      if (outcome.repositories) {
        const repositories = outcome.repositories.sent === 'hash' ? 'unchanged (hash only)' : 'sent in full';
        context.out(`repositories: ${repositories}`);
      }
      context.out(`status:       ${outcome.sync_status}`);
    }
    return EXIT.OK;
  },
};

import type { Command } from '../command';

export const waybarCommand: Command = {
  name: 'waybar',
  summary: 'print Waybar custom-module JSON from the local status cache (no network)',
  usage: '[--follow]',
  description: [
    'Prints {text, tooltip, class, alt, percentage} from the status the client cached last. It never',
    'contacts the server. With --follow it keeps running and prints a line whenever the status changes.',
  ],
  options: { follow: { type: 'boolean', short: 'f' } },
  optionHelp: [['-f, --follow', 'print a line per change (Waybar: "exec" without "interval")']],
  async run(context, values) {
    const { runWaybar } = await import('../../waybar/waybar');
    return runWaybar(context.io, {
      follow: Boolean(values.follow),
      configFlag: context.options.configFlag,
      signal: context.deps.signal,
    });
  },
};

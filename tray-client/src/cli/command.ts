import type { ParseArgsConfig } from 'node:util';

import type { CliContext } from './context';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | undefined>;

export interface Command {
  name: string;
  summary: string;
  /** Arguments after the command name, for the usage line. */
  usage: string;
  /** Paragraphs shown by `pacman-sync <command> --help`. */
  description: string[];
  options: OptionSpecs;
  /** [flag as shown, what it does] */
  optionHelp: Array<[string, string]>;
  run(context: CliContext, values: OptionValues): Promise<number>;
}

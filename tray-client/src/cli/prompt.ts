import { createInterface } from 'node:readline';

import type { CliIo } from './context';
import { RefusedError } from './exit-codes';

/**
 * Asks before a change: `--yes` skips the question; without a terminal to ask on the CLI refuses
 * rather than guess (DESIGN.md §8).
 */
export async function confirmChange(
  io: CliIo,
  question: string,
  options: { yes: boolean; confirm?: (question: string) => Promise<boolean> },
): Promise<void> {
  if (options.yes) return;
  let answer: boolean;
  if (options.confirm) {
    answer = await options.confirm(question);
  } else if (io.stdin.isTTY) {
    answer = await askOnTerminal(io, question);
  } else {
    throw new RefusedError(
      'refusing to change packages without a terminal to confirm on: pass --yes to proceed',
    );
  }
  if (!answer) throw new RefusedError('cancelled: nothing was changed', 'DECLINED');
}

async function askOnTerminal(io: CliIo, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream, terminal: true });
  try {
    const reply = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^(y|yes)$/i.test(reply.trim());
  } finally {
    rl.close();
  }
}

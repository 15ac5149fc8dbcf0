import type { Command } from '../command';
import { revertCommand, syncCommand } from './change';
import { daemonCommand } from './daemon';
import { planCommand } from './plan';
import { poolsCommand } from './pools';
import { registerCommand } from './register';
import { reportCommand } from './report';
import { setLatestCommand } from './set-latest';
import { statusCommand } from './status';
import { trayCommand } from './tray';
import { waybarCommand } from './waybar';

export const allCommands: readonly Command[] = [
  registerCommand,
  statusCommand,
  reportCommand,
  planCommand,
  syncCommand,
  setLatestCommand,
  revertCommand,
  poolsCommand,
  daemonCommand,
  waybarCommand,
  trayCommand,
];

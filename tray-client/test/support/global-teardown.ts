import { HARNESS_VARIABLE, removeHarness } from './privileged-harness';

export default function globalTeardown(): void {
  const dir = process.env[HARNESS_VARIABLE];
  if (dir) removeHarness(dir);
}

import { PacmanError } from '../../src/core/pacman/pacman-errors';

/** The PacmanError a promise fails with; anything else (or success) fails the test. */
export async function failureOf(promise: Promise<unknown>): Promise<PacmanError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PacmanError) return error;
    throw error;
  }
  throw new Error('expected a PacmanError');
}

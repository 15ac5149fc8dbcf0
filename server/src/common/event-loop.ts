/**
 * A large report (thousands of packages, megabytes of JSON) is parsed, checked, hashed and stored in
 * stages that each run without a pause; run back to back, they kept the event loop from every other
 * request for their sum. Between stages a large request gives the loop a turn, so others wait at most for
 * its longest single stage (the JSON parse): see docs/benchmarks.md.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bodies from this size on take turns between their stages; smaller ones are not worth the pause. */
export const LARGE_BODY_BYTES = 256 * 1024;
/** Lists from this length on take turns between their stages. */
export const LARGE_LIST_ITEMS = 2000;

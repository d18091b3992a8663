import fc from 'fast-check';

/**
 * Inputs each fuzz target receives. `npm test` gives each 300 so the suite stays quick;
 * `npm run test:fuzz` gives each the full 10,000 (issue 9). Run it before a release and after a
 * change to intake, signatures, alert parsing or a Slack handler.
 */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/**
 * Runs an async property over `total` generated inputs, `batch` at a time (sent concurrently, so
 * 10,000 signed HTTP requests stay quick); fast-check still shrinks a failing batch.
 */
export async function fuzzInBatches<T>(
  input: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  { total = FUZZ_RUNS, batch = 50, seed }: { total?: number; batch?: number; seed?: number } = {},
) {
  await fc.assert(
    fc.asyncProperty(fc.array(input, { minLength: batch, maxLength: batch }), async (values) => {
      await Promise.all(values.map(check));
    }),
    { numRuns: Math.ceil(total / batch), endOnFailure: true, ...(seed ? { seed } : {}) },
  );
}

/** Sums BullMQ job counts over every state. */
export async function allJobs(queue: { getJobCounts(): Promise<Record<string, number>> }) {
  const counts = await queue.getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** Arbitrary JSON values, plus objects with the keys a payload of this kind would have. */
export function jsonish(keys: string[]) {
  const scalar = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const value = fc.oneof(
    scalar,
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }),
  );
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] }),
  );
}

/**
 * How each method of a port answers: `promise` (an async call) or `stream` (an AsyncIterable, such
 * as a log search). Listing every method is what lets a port be built before its code is loaded.
 */
export type MethodKinds<P> = {
  [K in keyof P]-?: NonNullable<P[K]> extends (...args: never[]) => AsyncIterable<unknown>
    ? 'stream'
    : 'promise';
};

/**
 * A port whose adapter (and AWS SDK client package) is imported on its first call, not at start:
 * the loaded adapter must have every method listed (an optional one included). Each SDK client
 * package costs a few MB of heap and more of RSS, and most processes use a few
 * ports or none (the web role calls none). A failed load is not cached, so the next call retries.
 */
export function lazyPort<P extends object>(load: () => Promise<P>, kinds: MethodKinds<P>): P {
  let loaded: Promise<P> | undefined;
  const port = () => {
    loaded ??= load().catch((error) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
  const methods = Object.entries(kinds).map(([name, kind]) => {
    const call = async (...args: unknown[]) => {
      const target = (await port()) as Record<string, (...a: unknown[]) => unknown>;
      return target[name]!(...args);
    };
    const stream = async function* (...args: unknown[]) {
      yield* (await call(...args)) as AsyncIterable<unknown>;
    };
    return [name, kind === 'stream' ? stream : call];
  });
  return Object.fromEntries(methods) as P;
}

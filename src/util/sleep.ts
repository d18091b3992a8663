/**
 * Waits `ms` milliseconds. With `signal`, it returns early (without throwing) when the signal
 * aborts, so a loop that polls can check the signal and stop. The project's one sleep.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

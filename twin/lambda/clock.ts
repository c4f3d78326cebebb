/**
 * Time as the emulated Lambda services see it, injected so that their retry and batching logic is
 * tested on fake timers.
 */

/** Now, and waiting. */
export interface Clock {
  /** Ms since the epoch. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (or has aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The wall clock and real timers (which jest's fake timers replace in tests). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, Math.max(0, ms));
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

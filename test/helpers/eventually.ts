/**
 * Polls until `check` passes on what `read` returns, then returns that value: the pipeline is
 * asynchronous, the expectation is not.
 * @param timeoutMs - how long to keep polling, every 500 ms
 * @throws the last failure of `check` once `timeoutMs` has passed
 */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => void, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

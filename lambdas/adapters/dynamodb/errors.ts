/**
 * Telling DynamoDB's failures apart: one that a retry can fix (throttling, a network fault, a
 * lost race) from one that is about the item itself, which no retry fixes and which must
 * therefore never fail a batch.
 */

/**
 * Whether DynamoDB refused a request for what it holds (`ValidationException`: an item over
 * 400 KB, a key too long, a number out of range). Such a request fails the same way every time.
 */
export function isItemRejection(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ValidationException';
}

/** A store error for logs and dead-letter headers: its name and message, nothing else. */
export function describeStoreError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Schema pieces that several stream modules share, so that the same rule reads the same everywhere.
 */
import { z } from 'zod';
import type { ParsePayload } from 'zod/v4/core';

/** Text with something besides white space, of at most `maxLength` UTF-16 code units when given. */
export function nonBlank(maxLength?: number) {
  return (maxLength === undefined ? z.string() : z.string().max(maxLength)).refine((text) => text.trim().length > 0, 'must not be blank');
}

/** A fraction from 0 to 1, both included (a discount, an audio feature). */
export const unitInterval = z.number().min(0).max(1);

/**
 * For a refinement that reads several fields (a line total from its quantity, price and
 * discount): run it only once every field passed, so that it never sees an out-of-range value
 * (zod runs refinements after range issues by default) and reports nothing twice.
 */
export const ONCE_FIELDS_VALID = { when: (payload: ParsePayload) => payload.issues.length === 0 };

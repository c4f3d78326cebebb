/**
 * What a stream schema says about an event it must reject, for tests that name the field.
 */
import type { z } from 'zod';

/** The issues of an event `schema` rejects, as `path: message`; throws when it accepts the event. */
export function schemaIssues(schema: z.ZodType, event: unknown): string[] {
  const result = schema.safeParse(event);
  if (result.success) throw new Error('expected the schema to reject the event');
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

/** The dotted paths of the issues of an event `schema` rejects. */
export function schemaIssuePaths(schema: z.ZodType, event: unknown): string[] {
  return schemaIssues(schema, event).map((issue) => issue.slice(0, issue.indexOf(': ')));
}

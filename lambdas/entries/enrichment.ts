/**
 * The enrichment function as Lambda loads it. Its dependencies are built here, once per execution
 * environment, so a bad environment fails the function's init naming the variable, rather than
 * failing each batch it is given (which the event source mapping would retry).
 */
import { enrichmentFromEnvironment } from '../handlers/enrichment';

const enrichment = enrichmentFromEnvironment(process.env);

/** Validates, enriches and stores one batch of MSK records. */
export const handler = (event: unknown) => enrichment.invoke(event);

/**
 * The aggregation function as Lambda loads it: the DynamoDB client and the dead-letter producer
 * are built at init from the environment, so a bad setting fails the init by name and no batch is
 * retried for it.
 */
import { aggregationFromEnvironment } from '../handlers/aggregation';

const aggregation = aggregationFromEnvironment(process.env);

/** Folds one batch of MSK records into the per-minute aggregates. */
export const handler = (event: unknown) => aggregation.invoke(event);

/**
 * The query API as Lambda loads it: the DynamoDB client is built at init, and a missing table
 * name fails the init with the variable to set instead of answering every request with a 500.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { queryFromEnvironment } from '../handlers/query';

const query = queryFromEnvironment(process.env);

/** Answers one HTTP API request (payload format 2.0). */
export const handler = (event: APIGatewayProxyEventV2) => query.invoke(event);

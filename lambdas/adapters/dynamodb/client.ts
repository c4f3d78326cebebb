/**
 * The DynamoDB document client, created once per execution environment and reused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Where the client points: AWS by default, DynamoDB Local or LocalStack when `endpoint` is set. */
export interface DocumentClientOptions {
  readonly endpoint?: string;
  readonly region?: string;
}

/**
 * A document client that drops `undefined` attributes (optional event fields) rather than failing,
 * and reads every number as a `NumberValue` (its exact text): a sum beyond 15 digits must come
 * back exactly, and the SDK would otherwise round it or refuse it.
 */
export function createDocumentClient(options: DocumentClientOptions = {}): DynamoDBDocumentClient {
  const local = options.endpoint !== undefined;
  const client = new DynamoDBClient({
    region: options.region ?? (local ? 'us-east-1' : undefined),
    ...(local
      ? {
          endpoint: options.endpoint,
          // DynamoDB Local accepts any credentials; fixed ones spare users an AWS profile.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true }, unmarshallOptions: { wrapNumbers: true } });
}

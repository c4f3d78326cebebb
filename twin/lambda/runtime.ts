/**
 * What the twin provides in place of the Lambda runtime: a real `Context` per invocation and the
 * log lines of the emulated services. Shared by the MSK event source mapping and the HTTP API.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

/** Where the twin's components write their lines; `console` and the Powertools logger both fit. */
export interface TwinLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Function timeout when the caller sets none. */
export const DEFAULT_FUNCTION_TIMEOUT_MS = 60_000;

/** The account id LocalStack and the AWS docs use for local resources, in the twin's ARNs. */
export const LOCAL_ACCOUNT_ID = '000000000000';

/** Options of {@link createLambdaContext}. */
export interface LambdaContextOptions {
  readonly functionName: string;
  /** What `getRemainingTimeInMillis` counts down from. */
  readonly timeoutMs?: number;
  readonly memoryLimitInMB?: number;
  /** Kept per execution environment on AWS; pass the same one for every invocation of a handler. */
  readonly logStreamName?: string;
}

/** A CloudWatch-style log stream name, `YYYY/MM/DD/[$LATEST]<32 hex>`. */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

/**
 * A Lambda `Context` for one invocation: fresh `awsRequestId`, ARN, log names and a deadline.
 *
 * Why: handlers (and the Powertools logger) read the context; a real object with AWS's field
 * shapes keeps the twin's behaviour and logs like production.
 */
export function createLambdaContext(options: LambdaContextOptions): Context {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  const timeoutMs = options.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  const unsupported = (name: string) => () => {
    throw new Error(`context.${name}() is not supported by the local twin: return a value from (or throw in) the async handler instead`);
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${LOCAL_ACCOUNT_ID}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryLimitInMB ?? 1024),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: options.logStreamName ?? newLogStreamName(),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}

/** A console logger that prefixes each line with the mapping's name. */
export function prefixedConsoleLogger(prefix: string): TwinLogger {
  return {
    info: (message) => console.info(`[${prefix}] ${message}`),
    warn: (message) => console.warn(`[${prefix}] ${message}`),
    error: (message) => console.error(`[${prefix}] ${message}`),
  };
}

/**
 * The Powertools logger of a handler, configured from the handler's environment rather than the
 * process's, so the local twin can quiet its handlers without touching its own output.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { serviceNameOf } from '../config/metrics';

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;

/** A structured JSON logger for `pulse-<component>`; level from `POWERTOOLS_LOG_LEVEL` (default INFO). */
export function createLogger(component: string, env: NodeJS.ProcessEnv = process.env): Logger {
  const requested = env.POWERTOOLS_LOG_LEVEL?.toUpperCase();
  const logLevel = LOG_LEVELS.find((level) => level === requested) ?? 'INFO';
  return new Logger({ serviceName: serviceNameOf(component), logLevel });
}

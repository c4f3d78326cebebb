/**
 * The compose project's `.env` file, read as docker compose reads it, and the DynamoDB emulator
 * that it and the environment choose.
 */
import * as fs from 'node:fs';
import { LOCALSTACK_AUTH_TOKEN, type DynamoDbFlavour } from './compose';

/**
 * The value of a variable in a `.env` file (`KEY=value`, optional quotes, `#` comments), the
 * format docker compose reads; undefined when the file or the variable is absent.
 */
export function readDotEnvValue(file: string, key: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  let value: string | undefined;
  for (const rawLine of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(rawLine);
    if (!match || match[1] !== key) continue;
    const raw = match[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    value = quoted ? (quoted[2] ?? '') : raw.replace(/\s+#.*$/, '');
  }
  return value;
}

/**
 * Which DynamoDB emulator to run: LocalStack when a `LOCALSTACK_AUTH_TOKEN` is set (in the
 * environment, or in `.env` beside the compose file, as compose itself reads it), DynamoDB Local
 * otherwise, with the sentence that says why.
 */
export function chooseDynamoDb(env: NodeJS.ProcessEnv, dotEnvFile: string): { flavour: DynamoDbFlavour; reason: string } {
  const fromEnv = env[LOCALSTACK_AUTH_TOKEN];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { flavour: 'localstack', reason: `${LOCALSTACK_AUTH_TOKEN} is set` };
  const fromFile = readDotEnvValue(dotEnvFile, LOCALSTACK_AUTH_TOKEN);
  if (fromFile !== undefined && fromFile.trim() !== '') return { flavour: 'localstack', reason: `${LOCALSTACK_AUTH_TOKEN} is set in ${dotEnvFile}` };
  return {
    flavour: 'dynamodb-local',
    reason: `no ${LOCALSTACK_AUTH_TOKEN} in the environment or ${dotEnvFile}; set one (see .env.example) to use LocalStack`,
  };
}

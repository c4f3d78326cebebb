import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chooseDynamoDb, readDotEnvValue } from '../../../../../twin/backends/docker/dotEnv';

/** A folder of the test's own, so the .env read is the test's, not a developer's. */
let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-dotenv-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('chooseDynamoDb', () => {
  test('runs LocalStack when the token is in the environment', () => {
    expect(chooseDynamoDb({ LOCALSTACK_AUTH_TOKEN: 'ls-abc' }, path.join(dir, '.env')).flavour).toBe('localstack');
  });

  test('runs LocalStack when the token is in .env, as compose reads it', () => {
    // Prepare
    fs.writeFileSync(path.join(dir, '.env'), '# mine\nCOMPOSE_PROFILES=localstack\nLOCALSTACK_AUTH_TOKEN="ls-abc"\n');
    // Act
    const choice = chooseDynamoDb({}, path.join(dir, '.env'));
    // Assess
    expect(choice).toEqual({ flavour: 'localstack', reason: `LOCALSTACK_AUTH_TOKEN is set in ${path.join(dir, '.env')}` });
  });

  test('runs DynamoDB Local without a token and says how to get LocalStack', () => {
    // Prepare
    fs.writeFileSync(path.join(dir, '.env'), 'LOCALSTACK_AUTH_TOKEN=\n');
    // Act
    const choice = chooseDynamoDb({ LOCALSTACK_AUTH_TOKEN: ' ' }, path.join(dir, '.env'));
    // Assess
    expect(choice.flavour).toBe('dynamodb-local');
    expect(choice.reason).toContain('set one (see .env.example) to use LocalStack');
  });
});

describe('readDotEnvValue', () => {
  test('reads plain, quoted, exported and commented values; the last assignment wins', () => {
    // Prepare
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, ['A=1', "B='two words'", 'export C=3', 'D=4 # four', '# E=5', 'A=6', ''].join('\n'));
    // Assess
    expect(['A', 'B', 'C', 'D', 'E'].map((key) => readDotEnvValue(file, key))).toEqual(['6', 'two words', '3', '4', undefined]);
    expect(readDotEnvValue(path.join(dir, 'absent'), 'A')).toBeUndefined();
  });
});

/**
 * The LocalStack hooks in `localstack/` are generated from the table definitions: the committed
 * files must be what the generator writes today, and the READY hook must create each table once.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TABLE_DEFINITIONS } from '../../../../../lambdas/config/tables';
import { defaultTableName } from '../../../../../twin/backends/docker/compose';
import {
  GENERATE_COMMAND,
  READY_HOOK_NAME,
  localstackHookFiles,
  staleLocalstackFiles,
  writeLocalstackFiles,
} from '../../../../../twin/backends/docker/localstackHooks';
import { createTableInput } from '../../../../../twin/provision';

const REPO_ROOT = path.join(__dirname, '..', '..', '..', '..', '..');

let tempDir: string;
beforeEach(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-localstack-'));
});
afterEach(() => {
  fs.rmSync(tempDir, { recursive: true, force: true });
});

describe('committed LocalStack hooks', () => {
  test('are what the table definitions generate', () => {
    // Act
    const problems = staleLocalstackFiles(REPO_ROOT);
    // Assess
    if (problems.length > 0) {
      throw new Error(`localstack/ is stale; run \`${GENERATE_COMMAND}\` and commit the result:\n  ${problems.join('\n  ')}`);
    }
  });
});

describe('localstackHookFiles', () => {
  test('holds one CreateTable request per table, the one the twin sends', () => {
    // Act
    const files = localstackHookFiles();
    // Assess
    for (const definition of TABLE_DEFINITIONS) {
      const name = defaultTableName(definition);
      const file = files.find((candidate) => candidate.path === `localstack/tables/${name}.json`);
      expect(JSON.parse(file?.content ?? 'null')).toEqual(createTableInput(definition, name));
    }
    expect(files).toHaveLength(TABLE_DEFINITIONS.length + 1);
  });

  test('makes the READY hook executable and the requests plain files', () => {
    const files = localstackHookFiles();
    expect(files.filter((file) => file.executable).map((file) => file.path)).toEqual([`localstack/init/ready.d/${READY_HOOK_NAME}`]);
  });
});

describe('staleLocalstackFiles', () => {
  test('is empty right after writing', () => {
    // Act
    writeLocalstackFiles(tempDir);
    // Assess
    expect(staleLocalstackFiles(tempDir)).toEqual([]);
  });

  test('names a changed, a missing, a non-executable and an unexpected file', () => {
    // Prepare
    writeLocalstackFiles(tempDir);
    const [hook, events, aggregates] = localstackHookFiles().map((file) => path.join(tempDir, file.path)) as [string, string, string];
    fs.writeFileSync(events, '{}\n');
    fs.rmSync(aggregates);
    fs.chmodSync(hook, 0o644);
    fs.writeFileSync(path.join(tempDir, 'localstack/tables/old-table.json'), '{}\n');
    // Act
    const problems = staleLocalstackFiles(tempDir);
    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        `localstack/tables/${path.basename(events)} differs from what the table definitions generate`,
        `localstack/tables/${path.basename(aggregates)} is missing`,
        `localstack/init/ready.d/${READY_HOOK_NAME} is not executable (LocalStack skips it)`,
        'localstack/tables/old-table.json is not generated from any table definition',
      ]),
    );
    expect(problems).toHaveLength(4);
  });
});

describe('writeLocalstackFiles', () => {
  test('repairs every stale file, removes unexpected ones, then has nothing left to change', () => {
    // Prepare
    writeLocalstackFiles(tempDir);
    fs.writeFileSync(path.join(tempDir, 'localstack/tables/old-table.json'), '{}\n');
    fs.chmodSync(path.join(tempDir, 'localstack/init/ready.d', READY_HOOK_NAME), 0o644);
    // Act
    const repaired = writeLocalstackFiles(tempDir);
    const again = writeLocalstackFiles(tempDir);
    // Assess
    expect(repaired.sort()).toEqual(['localstack/init/ready.d/10-pulse-tables.sh', 'localstack/tables/old-table.json']);
    expect(again).toEqual([]);
    expect(staleLocalstackFiles(tempDir)).toEqual([]);
  });
});

describe('the READY hook', () => {
  /** A stand-in for LocalStack's awslocal: logs each call; describe-table finds only EXISTING tables. */
  function fakeAwslocal(binDir: string): void {
    fs.mkdirSync(binDir, { recursive: true });
    const script = `#!/bin/bash
echo "$AWS_DEFAULT_REGION $*" >> "$FAKE_LOG"
if [ "$2" = describe-table ]; then
  for table in $EXISTING; do [ "$4" = "$table" ] && exit 0; done
  echo "An error occurred (ResourceNotFoundException)" >&2
  exit 254
fi
`;
    fs.writeFileSync(path.join(binDir, 'awslocal'), script, { mode: 0o755 });
  }

  function runHook(existing: string[]): string[] {
    const binDir = path.join(tempDir, 'bin');
    const log = path.join(tempDir, 'calls.log');
    fakeAwslocal(binDir);
    writeLocalstackFiles(tempDir);
    execFileSync(path.join(tempDir, 'localstack/init/ready.d', READY_HOOK_NAME), {
      env: { PATH: `${binDir}:${process.env.PATH ?? ''}`, FAKE_LOG: log, EXISTING: existing.join(' ') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return fs.readFileSync(log, 'utf8').trim().split('\n');
  }

  test('creates each missing table from its request, waits for it and turns on its TTL', () => {
    // Act
    const calls = runHook([]);
    // Assess
    const expected = TABLE_DEFINITIONS.flatMap((definition) => {
      const name = defaultTableName(definition);
      return [
        `us-east-1 dynamodb describe-table --table-name ${name}`,
        `us-east-1 dynamodb create-table --cli-input-json file:///etc/localstack/pulse/tables/${name}.json`,
        `us-east-1 dynamodb wait table-exists --table-name ${name}`,
        `us-east-1 dynamodb update-time-to-live --table-name ${name} --time-to-live-specification Enabled=true,AttributeName=${definition.timeToLiveAttribute}`,
      ];
    });
    expect(calls).toEqual(expected);
  });

  test('leaves a table that exists as it is', () => {
    // Prepare
    const [first, second] = TABLE_DEFINITIONS.map(defaultTableName) as [string, string];
    // Act
    const calls = runHook([first]);
    // Assess
    expect(calls.filter((call) => call.includes(first))).toEqual([`us-east-1 dynamodb describe-table --table-name ${first}`]);
    expect(calls.filter((call) => call.includes(`create-table --cli-input-json file:///etc/localstack/pulse/tables/${second}.json`))).toHaveLength(1);
  });
});

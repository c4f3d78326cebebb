#!/usr/bin/env -S npx tsx
/**
 * `npm run generate:localstack`: writes LocalStack's init hooks in `localstack/` from the table
 * definitions the CDK app and the twin use (see `twin/backends/docker/localstackHooks.ts`), or with
 * `--check` only says whether the committed files are stale.
 */
import * as path from 'node:path';
import { Command } from 'commander';
import { GENERATE_COMMAND, localstackHookFiles, staleLocalstackFiles, writeLocalstackFiles } from '../twin/backends/docker/localstackHooks';

const REPO_ROOT = path.join(__dirname, '..');

const program = new Command()
  .name('generate-localstack-hooks')
  .description(
    'write localstack/init/ready.d (the READY hook that creates the tables) and localstack/tables (one CreateTable request per table) ' +
      'from lambdas/config/tables.ts; run it after changing a table definition and commit the result',
  )
  .option('--check', 'write nothing; exit 1 and list the stale files when they differ from what the definitions generate')
  .showHelpAfterError()
  .action((options: { check?: boolean }) => {
    const files = localstackHookFiles();
    if (options.check) {
      const problems = staleLocalstackFiles(REPO_ROOT, files);
      if (problems.length > 0) {
        process.stderr.write(`LocalStack hooks are stale; run \`${GENERATE_COMMAND}\` and commit the result:\n${problems.map((problem) => `  ${problem}`).join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      console.log(`LocalStack hooks are fresh (${files.length} files)`);
      return;
    }
    const changed = writeLocalstackFiles(REPO_ROOT, files);
    console.log(changed.length > 0 ? `updated: ${changed.join(', ')}` : `LocalStack hooks are fresh (${files.length} files)`);
  });

try {
  program.parse(process.argv);
} catch (error) {
  process.stderr.write(`generate-localstack-hooks: ${(error as Error).message}\n`);
  process.exit(1);
}

/**
 * Schema-driven fuzzing of the query API: schemathesis (pinned in requirements-dev.txt) reads
 * `/openapi.json` from the twin, which holds half an hour of traffic, and sends every operation
 * examples, boundary values and random valid and invalid requests. Any 5xx, any response outside
 * the document (status, content type, headers, body schema), any invalid request accepted, or a
 * wrong answer to another method fails the run. Its JUnit and HAR reports are kept in
 * `test-artifacts/schemathesis/`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { artifactPath } from '../../helpers/artifacts';
import { PYTHON_TOOLS_INSTALL_TIMEOUT_MS, pythonTool } from '../../helpers/pythonTools';
import { startSeededPipeline, type SeededPipeline } from '../../helpers/seededPipeline';

/**
 * Every check but `positive_data_acceptance`: that one expects any request the schema allows to
 * succeed, but the API rightly refuses some schema-valid combinations the schema cannot express
 * (a `group` on an ungrouped aggregation, a `cursor` it never issued, an aggregation of the other
 * stream), with a 4xx naming the cause.
 */
const CHECKS = ['all'];
const EXCLUDED_CHECKS = ['positive_data_acceptance'];

/** Cases per operation and phase: about a thousand requests in all, under half a minute on two cores. */
const MAX_EXAMPLES = 100;

/** A hard stop for a run that hangs; a normal run takes well under a minute. */
const RUN_TIMEOUT_MS = 240_000;

/** A fixed seed: a failure reproduces with the same command; change it to explore further. */
const SEED = 20261125;

/** A finished command: its exit status and everything it printed. */
interface RunResult {
  readonly status: number | null;
  readonly output: string;
}

/**
 * Runs a command without blocking: the twin serving the API runs in this very process, so a
 * synchronous spawn would leave every request of the tool unanswered.
 */
function run(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

interface HarEntry {
  readonly request: { readonly method: string; readonly url: string };
  readonly response: { readonly status: number };
}

describe('query API under schemathesis (twin on the test broker)', () => {
  let seeded: SeededPipeline;
  let workDir: string;
  let schemathesis: string;

  // Its own hook: a first install from PyPI takes longer than the pipeline's start.
  beforeAll(async () => {
    schemathesis = await pythonTool('schemathesis');
  }, PYTHON_TOOLS_INSTALL_TIMEOUT_MS);

  beforeAll(async () => {
    seeded = await startSeededPipeline({ minutes: 30, perMinute: 6, seed: 7 });
    // schemathesis keeps its example database and state in the working directory: not the checkout.
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-schemathesis-'));
  });

  afterAll(async () => {
    await seeded?.pipeline.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('answers every generated request without a 5xx and as the OpenAPI document says', async () => {
    // Prepare
    const reportDir = artifactPath('schemathesis');
    fs.rmSync(reportDir, { recursive: true, force: true });
    fs.mkdirSync(reportDir);
    const args = [
      'run',
      `${seeded.pipeline.url}/openapi.json`,
      `--checks=${CHECKS.join(',')}`,
      `--exclude-checks=${EXCLUDED_CHECKS.join(',')}`,
      '--phases=examples,coverage,fuzzing',
      `--max-examples=${MAX_EXAMPLES}`,
      `--seed=${SEED}`,
      '--workers=2',
      '--request-timeout=10',
      '--generation-database=none',
      '--report=junit,har',
      `--report-dir=${reportDir}`,
      '--no-color',
    ];

    // Act
    const started = Date.now();
    const { status, output } = await run(schemathesis, args, workDir, RUN_TIMEOUT_MS);
    fs.writeFileSync(path.join(reportDir, 'output.txt'), `$ schemathesis ${args.join(' ')}\n(${Date.now() - started} ms)\n\n${output}`);

    // Assess
    if (status !== 0) throw new Error(`schemathesis exited with ${status ?? 'a signal (timed out)'}:\n${output.slice(-6000)}`);
    const har = fs.readdirSync(reportDir).find((name) => name.startsWith('har'));
    const entries = (JSON.parse(fs.readFileSync(path.join(reportDir, String(har)), 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
    const serverErrors = entries.filter((entry) => entry.response.status >= 500).map((entry) => `${entry.response.status} ${entry.request.method} ${entry.request.url}`);
    expect(serverErrors).toEqual([]);
    expect(entries.length).toBeGreaterThan(300);
    expect(output).toMatch(/Test cases:\s+\d+ generated, \d+ passed/);
  }, RUN_TIMEOUT_MS + 30_000);
});

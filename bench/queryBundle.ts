/**
 * Bundle size and cold start of the query Lambda, written as a section of BENCHMARKS.md with the
 * command that produced it. The handler is bundled as NodejsFunction bundles it for AWS
 * (`test/helpers/lambdaBundle.ts`); each run is a fresh `node` process that requires the bundle
 * (module init: what Lambda's init phase runs) and answers `GET /v1/streams` (the first request,
 * which builds the handler; no network). Runs of the bundles are interleaved and their medians
 * reported, wall and CPU time both, since a shared machine makes wall time noisy.
 *
 * Usage: `npm run bench:query -- [--before <entry of another checkout> [--before-label <commit>]] [--runs 21] [--no-write]`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { Command, InvalidArgumentError } from 'commander';
import { bundleLambda } from '../test/helpers/lambdaBundle';

const ROOT = path.join(__dirname, '..');
const SECTION = '## Query Lambda: bundle size and cold start';

/** One process: require the bundle, then answer one request; times in ms. */
const PROBE = `
const cpu0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
const bundle = require(process.env.BUNDLE);
const t1 = process.hrtime.bigint(); const cpu1 = process.cpuUsage(cpu0);
const event = { version: '2.0', routeKey: '$default', rawPath: '/v1/streams', rawQueryString: '', headers: {}, isBase64Encoded: false,
  requestContext: { accountId: '123456789012', apiId: 'api', domainName: 'localhost', domainPrefix: 'localhost', requestId: 'bench', routeKey: '$default', stage: '$default', time: '', timeEpoch: Date.now(),
    http: { method: 'GET', path: '/v1/streams', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' } } };
bundle.handler(event).then((response) => {
  const t2 = process.hrtime.bigint(); const cpu2 = process.cpuUsage(cpu0);
  const cpu = (usage) => (usage.user + usage.system) / 1e3;
  console.log(JSON.stringify({ status: response.statusCode, initMs: Number(t1 - t0) / 1e6, initCpuMs: cpu(cpu1), firstMs: Number(t2 - t1) / 1e6, firstCpuMs: cpu(cpu2) - cpu(cpu1) }));
});`;

interface Run {
  readonly status: number;
  readonly initMs: number;
  readonly initCpuMs: number;
  readonly firstMs: number;
  readonly firstCpuMs: number;
}

interface Measured {
  readonly label: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly mapBytes: number;
  readonly runs: Run[];
  readonly file: string;
}

async function bundleTo(label: string, entry: string, dir: string): Promise<Measured> {
  const { code, map } = await bundleLambda(entry);
  const file = path.join(dir, label, 'index.js');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, code);
  return { label, bytes: Buffer.byteLength(code), gzipBytes: gzipSync(code).length, mapBytes: Buffer.byteLength(map), runs: [], file };
}

function probe(file: string): Run {
  const env = { ...process.env, BUNDLE: file, NODE_NO_WARNINGS: '1', EVENTS_TABLE: 'pulse-events', AGGREGATES_TABLE: 'pulse-aggregates', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT' };
  const run = JSON.parse(execFileSync(process.execPath, ['-e', PROBE], { env }).toString()) as Run;
  if (run.status !== 200) throw new Error(`${file} answered GET /v1/streams with ${run.status}`);
  return run;
}

function median(runs: readonly Run[], key: Exclude<keyof Run, 'status'>): string {
  const values = runs.map((run) => run[key]).sort((a, b) => a - b);
  return `${(values[Math.floor(values.length / 2)] as number).toFixed(1)} ms`;
}

const bytes = (value: number) => `${(value / 1024).toFixed(1)} KiB (${value.toLocaleString('en-US')} B)`;

function section(measured: readonly Measured[], command: string, runs: number): string {
  const row = (name: string, cell: (m: Measured) => string) => `| ${name} | ${measured.map(cell).join(' | ')} |`;
  return [
    SECTION,
    '',
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version} (Lambda runs Node.js 22),`,
    `${os.platform()} ${os.arch()}; medians of ${runs} fresh processes per bundle, interleaved. Wall time on a shared machine is noisy; CPU time less so.`,
    'An older commit is measured from an extracted copy that borrows this checkout\'s packages:',
    '`git archive <commit> | tar -x -C /tmp/pulse-base && ln -s "$PWD/node_modules" /tmp/pulse-base/node_modules`.',
    '',
    `| measure | ${measured.map((m) => m.label).join(' | ')} |`,
    `|---|${measured.map(() => '---|').join('')}`,
    row('bundle (`index.js`, minified, AWS SDK included)', (m) => bytes(m.bytes)),
    row('bundle gzipped', (m) => bytes(m.gzipBytes)),
    row('source map (in the zip too)', (m) => bytes(m.mapBytes)),
    row('module init (`require` of the bundle), wall', (m) => median(m.runs, 'initMs')),
    row('module init, CPU', (m) => median(m.runs, 'initCpuMs')),
    row('first request (`GET /v1/streams`, builds the handler), wall', (m) => median(m.runs, 'firstMs')),
    row('first request, CPU', (m) => median(m.runs, 'firstCpuMs')),
    '',
  ].join('\n');
}

/** BENCHMARKS.md with this section replaced, or added at the end. */
function withSection(document: string, text: string): string {
  const start = document.indexOf(SECTION);
  if (start < 0) return `${document.trimEnd()}\n\n${text}`;
  const next = document.indexOf('\n## ', start + SECTION.length);
  return `${document.slice(0, start)}${text}${next < 0 ? '' : `\n${document.slice(next + 1)}`}`;
}

async function main(options: { before?: string; beforeLabel: string; runs: number; write: boolean }): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-query-'));
  try {
    const measured = [
      ...(options.before ? [await bundleTo(options.beforeLabel, path.resolve(options.before), dir)] : []),
      await bundleTo(options.before ? 'after' : 'this checkout', path.join(ROOT, 'lambdas/handlers/query.ts'), dir),
    ];
    for (let run = 0; run < options.runs; run += 1) for (const bundle of measured) bundle.runs.push(probe(bundle.file));
    const command = `npm run bench:query --${options.before ? ` --before ${options.before} --before-label ${options.beforeLabel}` : ''} --runs ${options.runs}`;
    const text = section(measured, command, options.runs);
    process.stdout.write(text);
    if (options.write) fs.writeFileSync(path.join(ROOT, 'BENCHMARKS.md'), withSection(fs.readFileSync(path.join(ROOT, 'BENCHMARKS.md'), 'utf8'), text));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runCount(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError(`must be a whole number ≥ 1, got "${text}"`);
  return value;
}

new Command()
  .name('npm run bench:query --')
  .description('measure the query Lambda bundle: size, module init and first-request time; write them to BENCHMARKS.md')
  .option('--before <entry>', 'the query handler of another checkout (e.g. an extracted older commit) to measure alongside')
  .option('--before-label <text>', 'its column heading, e.g. the commit it was extracted from', 'before')
  .option('--runs <n>', 'fresh processes per bundle', runCount, 21)
  .option('--no-write', 'print the section only')
  .action(main)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`bench:query: ${(error as Error).message}\n`);
    process.exit(1);
  });

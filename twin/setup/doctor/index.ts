/**
 * `pulse doctor`: what this machine has and lacks for `npm start` and `npm test`, and the
 * command that gets each missing piece. `pulse local` runs the checks a start needs before it
 * starts anything, so a busy port or a missing JDK is named at once, not after a 130 MB download.
 *
 * The checks are pure functions of {@link DoctorProbes}; {@link systemProbes} asks the real
 * machine, and unit tests pass their own.
 */
import { backendFor, type ResolvedBackend } from '../../backends/choice';
import { MIN_JAVA_VERSION } from '../../backends/jvm/java';
import { checkCache, checkChromium, checkDocker, checkJava, checkMavenCentral, checkNode, checkPorts, checkPythonVenv, checkTar, skipped } from './checks';
import { systemProbes } from './probes';
import type { CheckNeed, CheckResult, DoctorContext, DoctorProbes, DoctorReport, DoctorScope } from './types';
export * from './types';
export { inspectCache, systemProbes } from './probes';

/**
 * Runs the checks for `context` and returns one result per check, in a fixed order.
 *
 * @param scope - `{ start: backend }` skips what a start does not need (Docker, Chromium,
 *   Python) and anything that uses the network
 */
export async function runDoctor(context: DoctorContext, probes: DoctorProbes, scope: DoctorScope = 'doctor'): Promise<DoctorReport> {
  const forStart = scope !== 'doctor';
  const docker = !forStart && (context.backend === 'auto' || context.backend === 'docker') ? await probes.docker() : undefined;
  let backend: DoctorReport['backend'];
  try {
    backend = forStart ? scope.start : backendFor(context.backend, docker);
  } catch (error) {
    backend = { backend: undefined, reason: (error as Error).message };
  }
  const jvm = backend.backend === 'jvm';
  const cache = probes.cache(context.cacheDir);
  const results: CheckResult[] = [
    checkNode(probes.nodeVersion),
    jvm ? await checkJava(probes) : skipped(`Java ${MIN_JAVA_VERSION}+`, 'start', `not needed by the ${backend.backend ?? 'chosen'} backend`),
    ...(await checkPorts(context, probes, backend.backend)),
    checkCache(context.cacheDir, cache, jvm),
    checkTar(probes, cache, jvm),
  ];
  if (!forStart) {
    results.push(await checkMavenCentral(probes, cache, jvm));
    results.push(checkDocker(context.backend, docker, backend));
    results.push(checkChromium(probes));
    results.push(checkPythonVenv(probes));
  }
  return { backend, results };
}

/** The checks that stop `npm start`: missing and needed for a start. */
export function blockers(report: DoctorReport): CheckResult[] {
  return report.results.filter((result) => result.status === 'missing' && result.neededFor === 'start');
}

/**
 * Runs the checks a start of `backend` needs and throws when one fails, naming each failing
 * check and its fix.
 *
 * @throws Error "cannot start: <check>: <detail>; <fix>" (one line per failing check)
 */
export async function assertCanStart(
  context: Omit<DoctorContext, 'backend'>,
  backend: ResolvedBackend,
  probes: DoctorProbes = systemProbes(),
): Promise<void> {
  const failed = blockers(await runDoctor({ ...context, backend: backend.backend }, probes, { start: backend }));
  if (failed.length === 0) return;
  const lines = failed.map((result) => `${result.name}: ${result.detail}${result.fix ? `; ${result.fix}` : ''}`);
  throw new Error(`cannot start: ${lines.length === 1 ? lines[0] : `\n  - ${lines.join('\n  - ')}`}\n(run \`npm run doctor\` for every check)`);
}

/**
 * Renders a report as the table `pulse doctor` prints: one row per check, then how to fix what
 * is missing, then the verdict for `npm start`.
 */
export function formatDoctorReport(report: DoctorReport): string {
  const rows = [['check', 'status', 'needed for', 'details'], ...report.results.map((r) => [r.name, r.status, neededLabel(r.neededFor), r.detail])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const table = rows.map((row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd());
  const fixes = report.results.filter((r) => r.fix !== undefined && r.status !== 'ok' && r.status !== 'skipped').map((r) => `  ${r.name}: ${r.fix}`);
  const failing = blockers(report);
  const verdict =
    failing.length === 0
      ? `npm start can run (backend: ${report.backend.backend})`
      : `npm start cannot run: ${failing.map((r) => r.name).join(', ')}`;
  return [table.join('\n'), ...(fixes.length > 0 ? ['', 'to fix:', ...fixes] : []), '', verdict, ''].join('\n');
}

function neededLabel(need: CheckNeed): string {
  return need === 'optional' ? 'optional' : `npm ${need}`;
}

#!/usr/bin/env -S npx tsx
/**
 * `npm run test:prepare` (part of `npm test`): sets up what the test suite needs beyond
 * `npm ci`, once and with progress, before jest starts its workers: a Chromium for the dashboard
 * tests and the Python tools' virtualenv. The JVM services are resolved by the integration
 * project's globalSetup. Each helper would also do its part on first use; this only moves the
 * wait (and any error) to the front.
 */
import { Command } from 'commander';
import { ensureChromium } from './helpers/browser';
import { ensurePythonTools } from './helpers/pythonTools';
import { progressToStderr } from './helpers/systemPackages';

new Command()
  .name('test:prepare')
  .description('set up what npm test needs beyond npm ci: Chromium for the dashboard tests, the Python tools (cfn-lint, schemathesis, check-jsonschema)')
  .addHelpText(
    'after',
    `
Chromium: PULSE_CHROMIUM, else chromium/chromium-browser/google-chrome on PATH, macOS applications or
Playwright's download; on Debian as root, Debian's chromium is installed with apt-get when none is found.
Python tools: a venv under PULSE_CACHE_DIR (default ~/.cache/pulse)/pytools, from requirements-dev.txt;
without ensurepip, python3-venv is installed with apt-get (Debian or Ubuntu as root), else pip runs from
its wheel on PyPI. Anything that cannot be set up fails with the command that installs it here.`,
  )
  .action(async () => {
    const started = Date.now();
    progressToStderr(`Chromium: ${await ensureChromium()}`);
    progressToStderr(`Python tools: ${await ensurePythonTools()}`);
    progressToStderr(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  })
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`test:prepare: ${(error as Error).message}\n`);
    process.exit(1);
  });

/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` driven by playwright-core, so
 * no browser is downloaded. Background networking is switched off, or Chromium reaches for
 * Google's services at start-up (and a sandboxed CI refuses the connections).
 */
import * as fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian installs Chromium; `.ci/run` installs it when missing. */
export const CHROMIUM_PATH = process.env.PULSE_CHROMIUM ?? '/usr/bin/chromium';

/** A fresh headless browser (playwright gives each launch a new, empty profile). */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium) or set PULSE_CHROMIUM`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

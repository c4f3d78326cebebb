/**
 * Headless Chromium for the dashboard tests, driven by playwright-core: a Chromium or Chrome
 * already on this machine (see `findChromium`), else, on Debian as root, Debian's `chromium`
 * installed with apt-get (as a CI container needs); anywhere else the error gives the command.
 * Background networking is switched off, or Chromium reaches for Google's services at start-up
 * (and a sandboxed CI refuses the connections).
 */
import { chromium, type Browser } from 'playwright-core';
import { DEBIAN_CHROMIUM, currentHost, findChromium, installCommand, isExecutable, type Host } from '../../twin/setup/host';
import { aptInstall, canAptInstall, progressToStderr } from './systemPackages';

/** What {@link ensureChromium} uses to look and to install; the machine's own by default. */
export interface ChromiumSetup {
  readonly host: Host;
  readonly find: typeof findChromium;
  readonly canAptInstall: () => boolean;
  readonly aptInstall: typeof aptInstall;
  readonly isExecutable: (file: string) => boolean;
}

/** How long finding or installing Chromium may take: apt downloads about 100 MB on a fresh Debian. */
export const CHROMIUM_INSTALL_TIMEOUT_MS = 10 * 60_000;

const SYSTEM: ChromiumSetup = { host: currentHost(), find: findChromium, canAptInstall: () => canAptInstall(), aptInstall, isExecutable };

/**
 * The path of a Chromium to drive, installing Debian's when none is found and this is Debian as root.
 *
 * @throws Error saying what was looked for and the exact command that installs one here
 */
export async function ensureChromium(onProgress: (message: string) => void = progressToStderr, setup: ChromiumSetup = SYSTEM): Promise<string> {
  const location = setup.find();
  if (location.found) return location.path;
  // Only Debian's own package: Ubuntu's chromium deb installs a snap, which Playwright cannot drive in a container.
  if (setup.host.family === 'debian' && setup.canAptInstall()) {
    await setup.aptInstall(['chromium'], () => setup.isExecutable(DEBIAN_CHROMIUM), onProgress);
    if (setup.isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  }
  throw new Error(
    `the dashboard tests need Chromium but ${location.reason}; install it with \`${installCommand('chromium', setup.host)}\` ` +
      'or set PULSE_CHROMIUM to a Chromium or Chrome executable',
  );
}

/** A fresh headless browser (playwright gives each launch a new, empty profile). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: await ensureChromium(),
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

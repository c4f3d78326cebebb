/**
 * Apache Maven itself, downloaded once from Maven Central into the project's cache, so that the
 * JVM backend needs nothing on PATH but `java` (and `tar` to unpack it on first use).
 *
 * Why the official distribution rather than a system `mvn`: many laptops have no Maven, distro
 * packages lag (Debian 12 ships 3.8.7), and one pinned version resolves the same classpaths on
 * every machine. Why not the Maven Wrapper: its `mvnw` script is one more file to vendor and
 * needs `curl` or `wget`; Node already has an HTTPS client, and the result is the same
 * `bin/mvn` from the same Maven Central URL.
 *
 * Cache layout: `<cacheDir>/maven/apache-maven-<version>/` (the unpacked distribution, with a
 * marker holding the verified sha512 once complete). It is shared by every checkout and every
 * resolver profile (Kafka, DynamoDB Local, and any service added later).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { downloadVerified, megabytes } from '../../setup/download';

const execFileAsync = promisify(execFile);

/** A Maven release and the sha512 Maven Central publishes for its `-bin.tar.gz`. */
export interface MavenDistribution {
  readonly version: string;
  /** Lower-case hex, as in `apache-maven-<version>-bin.tar.gz.sha512`. */
  readonly sha512: string;
}

/**
 * The one pinned Maven. To upgrade, take the version from
 * https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/maven-metadata.xml and the
 * digest from the `.sha512` file next to its `-bin.tar.gz`; the cached copy of the old version
 * stays until the cache is deleted.
 */
export const MAVEN_DISTRIBUTION: MavenDistribution = {
  version: '3.9.16',
  sha512: '831a8591fe20c8243b1dbe7d71e3244f31d1665b0804b2e825e38cbbe5ce0cafb8338851f90780735568773e0a6cd07bbec107cda0b896b008b861075358b6f6',
};

/** Maven Central, the one repository the twin downloads from. */
export const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

/** Written into the unpacked distribution last; its content is the verified sha512. */
const COMPLETE_MARKER = '.pulse-verified-sha512';

/**
 * The URL of a Maven distribution's `-bin.tar.gz` on Maven Central.
 *
 * @example mavenDistributionUrl({ version: '3.9.16', sha512 }) // https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.16/apache-maven-3.9.16-bin.tar.gz
 */
export function mavenDistributionUrl(distribution: MavenDistribution = MAVEN_DISTRIBUTION): string {
  const { version } = distribution;
  return `${MAVEN_CENTRAL}/org/apache/maven/apache-maven/${version}/apache-maven-${version}-bin.tar.gz`;
}

/** Where a distribution is unpacked: `<cacheDir>/maven/apache-maven-<version>`. */
export function mavenHome(cacheDir: string, distribution: MavenDistribution = MAVEN_DISTRIBUTION): string {
  return path.join(cacheDir, 'maven', `apache-maven-${distribution.version}`);
}

/** The launcher script inside a Maven home (`bin/mvn`; the JVM backend runs on Linux and macOS). */
export function mavenExecutable(home: string): string {
  return path.join(home, 'bin', 'mvn');
}

/**
 * Whether `cacheDir` holds a complete, verified copy of `distribution`.
 *
 * Why a marker: an unpack interrupted half-way leaves a directory that must not count as installed.
 */
export function isMavenInstalled(cacheDir: string, distribution: MavenDistribution = MAVEN_DISTRIBUTION): boolean {
  const home = mavenHome(cacheDir, distribution);
  try {
    return fs.readFileSync(path.join(home, COMPLETE_MARKER), 'utf8') === distribution.sha512 && fs.existsSync(mavenExecutable(home));
  } catch {
    return false;
  }
}

/** Options of {@link ensureMavenDistribution}. */
export interface EnsureMavenOptions {
  /** The project cache (`$PULSE_CACHE_DIR` or `~/.cache/pulse`). */
  readonly cacheDir: string;
  readonly onProgress?: (message: string) => void;
  /** Defaults to {@link MAVEN_DISTRIBUTION}. */
  readonly distribution?: MavenDistribution;
}

/**
 * Returns the path of `bin/mvn` of the pinned Maven, downloading it from Maven Central (about
 * 9 MB, checked against its pinned sha512) and unpacking it with `tar` when the cache lacks it.
 * Safe to call from several processes at once: each unpacks into its own staging directory and
 * the first complete copy wins.
 *
 * @throws Error when the download fails or its digest differs, when `tar` is missing or fails,
 *   or when the archive holds no `bin/mvn`; each message names the file or command and what to do
 */
export async function ensureMavenDistribution(options: EnsureMavenOptions): Promise<string> {
  const distribution = options.distribution ?? MAVEN_DISTRIBUTION;
  const home = mavenHome(options.cacheDir, distribution);
  if (isMavenInstalled(options.cacheDir, distribution)) return mavenExecutable(home);

  const label = `Apache Maven ${distribution.version}`;
  const url = mavenDistributionUrl(distribution);
  const parent = path.dirname(home);
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const archive = path.join(parent, `apache-maven-${distribution.version}-bin.${suffix}.tar.gz`);
  const staging = path.join(parent, `.staging-${suffix}`);
  options.onProgress?.(`downloading ${label} from Maven Central (${url})`);
  try {
    const { bytes, elapsedMs } = await downloadVerified({
      url,
      file: archive,
      digest: { algorithm: 'sha512', hex: distribution.sha512 },
      label,
      onProgress: options.onProgress,
    });
    options.onProgress?.(`${label}: downloaded ${megabytes(bytes)} MB in ${(elapsedMs / 1000).toFixed(1)} s, sha512 verified`);
    fs.mkdirSync(staging, { recursive: true });
    await untar(archive, staging);
    const unpacked = path.join(staging, `apache-maven-${distribution.version}`);
    if (!fs.existsSync(mavenExecutable(unpacked))) {
      throw new Error(`${url} holds no apache-maven-${distribution.version}/bin/mvn; is MAVEN_DISTRIBUTION in ${__filename} right?`);
    }
    fs.writeFileSync(path.join(unpacked, COMPLETE_MARKER), distribution.sha512);
    // Another process may have finished first: keep its copy (its Maven may be running).
    if (!isMavenInstalled(options.cacheDir, distribution)) {
      fs.rmSync(home, { recursive: true, force: true });
      try {
        fs.renameSync(unpacked, home);
      } catch (error) {
        // Lost a race with another process's rename: fine if its copy is complete.
        if (!isMavenInstalled(options.cacheDir, distribution)) throw error;
      }
    }
  } finally {
    fs.rmSync(archive, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return mavenExecutable(home);
}

/**
 * Unpacks a `.tar.gz` into `dir` with the system `tar` (GNU tar on Linux, bsdtar on macOS and
 * Windows 10+), which keeps the distribution's file modes, so `bin/mvn` stays executable.
 */
async function untar(archive: string, dir: string): Promise<void> {
  try {
    await execFileAsync('tar', ['-xzf', archive, '-C', dir]);
  } catch (error) {
    const { code, stderr = '' } = error as NodeJS.ErrnoException & { stderr?: string };
    if (code === 'ENOENT') {
      throw new Error('`tar` is needed to unpack Apache Maven on first use but was not found on PATH; install tar (e.g. apt-get install tar)');
    }
    throw new Error(`unpacking ${archive} with tar failed: ${stderr.trim() || String(error)}`);
  }
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  MAVEN_DISTRIBUTION,
  ensureMavenDistribution,
  isMavenInstalled,
  mavenDistributionUrl,
  mavenExecutable,
  mavenHome,
} from '../../../../../twin/backends/jvm/mavenDistribution';

describe('MAVEN_DISTRIBUTION', () => {
  test('pins a release version and a full sha512', () => {
    expect(MAVEN_DISTRIBUTION.version).toMatch(/^3\.\d+\.\d+$/);
    expect(MAVEN_DISTRIBUTION.sha512).toMatch(/^[0-9a-f]{128}$/);
  });
});

describe('mavenDistributionUrl', () => {
  test("is the -bin.tar.gz in Maven Central's apache-maven folder", () => {
    expect(mavenDistributionUrl({ version: '3.9.16', sha512: 'x' })).toBe(
      'https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/3.9.16/apache-maven-3.9.16-bin.tar.gz',
    );
  });
});

describe('isMavenInstalled and ensureMavenDistribution on a warm cache', () => {
  let cacheDir: string;
  const distribution = { version: '3.9.99', sha512: 'ab'.repeat(64) };

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-maven-test-'));
  });

  afterEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  /** Lays out what a finished unpack leaves: bin/mvn and the marker with `markerDigest`. */
  function unpacked(markerDigest: string | undefined): string {
    const home = mavenHome(cacheDir, distribution);
    fs.mkdirSync(path.join(home, 'bin'), { recursive: true });
    fs.writeFileSync(mavenExecutable(home), '#!/bin/sh\n', { mode: 0o755 });
    if (markerDigest !== undefined) fs.writeFileSync(path.join(home, '.pulse-verified-sha512'), markerDigest);
    return home;
  }

  test('an empty cache holds no Maven', () => {
    expect(isMavenInstalled(cacheDir, distribution)).toBe(false);
  });

  test('an unpack without its marker (interrupted) or with another digest does not count', () => {
    unpacked(undefined);
    expect(isMavenInstalled(cacheDir, distribution)).toBe(false);

    unpacked('cd'.repeat(64));
    expect(isMavenInstalled(cacheDir, distribution)).toBe(false);
  });

  test('a complete copy is used as it is, with no download', async () => {
    const home = unpacked(distribution.sha512);
    const progress: string[] = [];

    const mvn = await ensureMavenDistribution({ cacheDir, distribution, onProgress: (message) => progress.push(message) });

    expect(mvn).toBe(path.join(home, 'bin', 'mvn'));
    expect(home).toBe(path.join(cacheDir, 'maven', 'apache-maven-3.9.99'));
    expect(progress).toEqual([]);
  });
});

/**
 * A fake `docker` executable on PATH for the docker backend's tests: a shell script that records
 * its arguments and answers `info`, `compose version`, `up`, `ps` and `stop` from files a test
 * writes. No Docker engine is needed, and the real process-spawning code runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ComposeContainer } from '../../twin/backends/docker/services';

/**
 * The fake: every call is appended to calls.log (with the COMPOSE_PROFILES it saw); `ps` prints
 * ps.<n>.json on its n-th call, and the last one again once they run out.
 */
export const FAKE_DOCKER = `#!/bin/bash
dir="$FAKE_DOCKER_DIR"
echo "$* [COMPOSE_PROFILES=\${COMPOSE_PROFILES:-}]" >> "$dir/calls.log"
if [ "$1" = info ]; then
  if [ -f "$dir/info.stderr" ]; then cat "$dir/info.stderr" >&2; exit 1; fi
  if [ -f "$dir/info.hang" ]; then exec sleep 30; fi
  echo "27.3.1"; exit 0
fi
if [ "$1" = compose ]; then
  shift
  while [ $# -gt 0 ]; do case "$1" in -f|--profile) shift 2 ;; *) break ;; esac; done
  case "$1" in
    version)
      if [ -f "$dir/compose.missing" ]; then echo "docker: 'compose' is not a docker command." >&2; exit 1; fi
      echo "2.29.7"; exit 0 ;;
    ps)
      n=$(( $(cat "$dir/ps.count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$dir/ps.count"
      if [ -f "$dir/ps.$n.json" ]; then echo "$n" > "$dir/ps.last"; fi
      cat "$dir/ps.$(cat "$dir/ps.last").json"; exit 0 ;;
    up)
      if [ -f "$dir/up.stderr" ]; then cat "$dir/up.stderr" >&2; exit 1; fi
      echo " Container pulse-redpanda-1  Started" >&2; exit 0 ;;
    stop) exit 0 ;;
  esac
fi
echo "fake docker: unexpected arguments: $*" >&2
exit 2
`;


/** The fake's folder: its calls log, its scripted answers, and a compose file path of the test's own. */
export let dir: string;
/** An environment whose PATH finds the fake first, then only system tools. */
export let env: NodeJS.ProcessEnv;

/** Puts a fresh fake `docker` first on PATH before each test of the calling file, and removes it after. */
export function useFakeDocker(): void {
beforeEach(() => {
  // Prepare: a fake docker first on PATH, and only system tools after it.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-fake-docker-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'docker'), FAKE_DOCKER, { mode: 0o755 });
  env = { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, FAKE_DOCKER_DIR: dir };
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
}

export const calls = () => (fs.existsSync(path.join(dir, 'calls.log')) ? fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n') : []);

/** Writes what the n-th `docker compose ps` prints, one JSON object per line as compose 2.21+ does. */
export function psAnswers(...answers: ComposeContainer[][]): void {
  answers.forEach((containers, index) => {
    fs.writeFileSync(path.join(dir, `ps.${index + 1}.json`), containers.map((container) => JSON.stringify(container)).join('\n'));
  });
}

/** What `docker info` says on a machine with the CLI and no engine. */
export const NO_ENGINE = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
export const noEngine = () => fs.writeFileSync(path.join(dir, 'info.stderr'), `${NO_ENGINE}\n`);

export const container = (Service: string, State: string, Health = '', ExitCode = 0): ComposeContainer => ({ Service, State, Health, ExitCode });
/** A compose file path in the test's folder, so the .env beside it is the test's, not a developer's. */
export const composeFile = () => path.join(dir, 'docker-compose.local.yml');
export const compose = () => `compose -f ${composeFile()}`;

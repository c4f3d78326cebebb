/**
 * Which backend the twin runs its broker and DynamoDB on: `--backend auto|docker|jvm|external`,
 * resolved against whether a Docker engine answers. `pulse local` and `pulse doctor` share it.
 */
import { detectDockerEngine, type DetectDockerOptions, type DockerEngineStatus } from './docker/engine';

/** Where the broker and DynamoDB come from: each `--backend`. */
export const BACKENDS = ['auto', 'docker', 'jvm', 'external'] as const;

/** One of {@link BACKENDS}. */
export type BackendChoice = (typeof BACKENDS)[number];

/** The backend that will run, and the sentence that says why. */
export interface ResolvedBackend {
  readonly backend: Exclude<BackendChoice, 'auto'>;
  readonly reason: string;
}

/**
 * Turns `--backend` into the backend that runs: `auto` is docker when an engine answers and jvm
 * otherwise; an explicit `docker` without an engine is an error that says how to get one running
 * or which backend to use instead.
 */
export async function resolveBackend(choice: BackendChoice, options: DetectDockerOptions = {}): Promise<ResolvedBackend> {
  if (choice === 'jvm' || choice === 'external') return backendFor(choice, undefined);
  return backendFor(choice, await detectDockerEngine(options));
}

/**
 * The decision of {@link resolveBackend} once the engine's status is known (`undefined` when
 * the choice does not depend on it), without asking Docker; `pulse doctor` shares it.
 *
 * @throws Error for `docker` when no engine answered, naming why and the alternatives
 */
export function backendFor(choice: BackendChoice, engine: DockerEngineStatus | undefined): ResolvedBackend {
  if (choice === 'jvm') return { backend: 'jvm', reason: '--backend jvm' };
  if (choice === 'external') return { backend: 'external', reason: '--backend external' };
  const status: DockerEngineStatus = engine ?? { available: false, reason: 'the Docker engine was not asked' };
  if (choice === 'docker') {
    if (!status.available) {
      throw new Error(
        `--backend docker needs a running Docker engine with the compose plugin, but ${status.reason}. ` +
          'Start Docker (Docker Desktop, or the docker service), or use --backend jvm (Java 17+) instead.',
      );
    }
    return { backend: 'docker', reason: `--backend docker (Docker ${status.serverVersion}, compose ${status.composeVersion})` };
  }
  return status.available
    ? { backend: 'docker', reason: `auto chose docker: Docker ${status.serverVersion} with compose ${status.composeVersion} answered` }
    : { backend: 'jvm', reason: `auto chose jvm: ${status.reason}` };
}

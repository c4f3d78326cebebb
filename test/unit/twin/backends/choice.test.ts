/**
 * Choosing the backend, against a fake `docker` on PATH.
 */
import * as path from 'node:path';
import { resolveBackend } from '../../../../twin/backends/choice';
import { NO_ENGINE, calls, dir, env, noEngine, useFakeDocker } from '../../../helpers/fakeDocker';

useFakeDocker();

describe('resolveBackend', () => {
  test('auto picks docker when docker info succeeds', async () => {
    await expect(resolveBackend('auto', { env })).resolves.toEqual({
      backend: 'docker',
      reason: 'auto chose docker: Docker 27.3.1 with compose 2.29.7 answered',
    });
  });

  test('auto falls back to jvm when no engine answers, and says why', async () => {
    // Prepare
    noEngine();
    // Act
    const resolved = await resolveBackend('auto', { env });
    // Assess
    expect(resolved.backend).toBe('jvm');
    expect(resolved.reason).toBe(
      `auto chose jvm: no Docker engine answered (docker info: ${NO_ENGINE})`,
    );
  });

  test('--backend docker without an engine fails with what to do instead', async () => {
    await expect(resolveBackend('docker', { env: { PATH: path.join(dir, 'empty') } })).rejects.toThrow(
      '--backend docker needs a running Docker engine with the compose plugin, but the docker command is not installed. ' +
        'Start Docker (Docker Desktop, or the docker service), or use --backend jvm (Java 17+) instead.',
    );
  });

  test('jvm and external do not ask docker at all', async () => {
    // Act
    const resolved = [await resolveBackend('jvm', { env }), await resolveBackend('external', { env })];
    // Assess
    expect(resolved.map((entry) => entry.backend)).toEqual(['jvm', 'external']);
    expect(calls()).toEqual([]);
  });
});

/**
 * The Docker engine probe and the command runner, against a fake `docker` on PATH.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectDockerEngine, runCommand } from '../../../../../twin/backends/docker/engine';
import { NO_ENGINE, dir, env, noEngine, useFakeDocker } from '../../../../helpers/fakeDocker';

useFakeDocker();

describe('detectDockerEngine', () => {
  test('reports the engine and compose versions when both answer', async () => {
    await expect(detectDockerEngine({ env })).resolves.toEqual({ available: true, serverVersion: '27.3.1', composeVersion: '2.29.7' });
  });

  test('reports what docker said when no engine answers', async () => {
    // Prepare
    noEngine();
    // Act
    const status = await detectDockerEngine({ env });
    // Assess
    expect(status).toEqual({
      available: false,
      reason: `no Docker engine answered (docker info: ${NO_ENGINE})`,
    });
  });

  test('reports a missing docker command', async () => {
    await expect(detectDockerEngine({ env: { PATH: path.join(dir, 'empty') } })).resolves.toEqual({
      available: false,
      reason: 'the docker command is not installed',
    });
  });

  test('gives up on an engine that does not answer in time', async () => {
    // Prepare
    fs.writeFileSync(path.join(dir, 'info.hang'), '');
    // Act
    const status = await detectDockerEngine({ env, timeoutMs: 300 });
    // Assess
    expect(status).toEqual({ available: false, reason: 'docker info did not answer within 0.3 s' });
  });

  test('reports an engine without the compose plugin', async () => {
    // Prepare
    fs.writeFileSync(path.join(dir, 'compose.missing'), '');
    // Act
    const status = await detectDockerEngine({ env });
    // Assess
    expect(status).toEqual({
      available: false,
      reason: "Docker 27.3.1 answered but the compose plugin is missing (docker compose version: docker: 'compose' is not a docker command.)",
    });
  });
});

describe('runCommand', () => {
  test('passes each stderr line on as it comes and returns the whole output', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const result = await runCommand('/bin/sh', ['-c', 'echo out; printf "one\\ntwo" >&2; exit 3'], { env, timeoutMs: 5_000, onStderrLine: (line) => lines.push(line) });
    // Assess
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'one\ntwo' });
    expect(lines).toEqual(['one', 'two']);
  });
});

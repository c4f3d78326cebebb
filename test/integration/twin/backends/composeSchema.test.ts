/**
 * docker-compose.local.yml is valid Compose: checked against the official compose-spec JSON
 * schema, as shipped (vendored from compose-spec/compose-spec) by the PyPI package
 * check-jsonschema pinned in requirements-dev.txt, twice: with Ajv over the `yaml` parse, and
 * with check-jsonschema's own CLI, whose YAML parser and validator are independent of ours.
 *
 * Why in the integration project: the schema comes from a package installed from PyPI on first
 * use (test/helpers/pythonTools.ts), and unit tests make no network calls. No Docker engine is
 * needed, so CI validates the file on every run.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { COMPOSE_FILE } from '../../../../twin/backends/docker/compose';
import { composeFileText, parseCompose } from '../../../helpers/composeFile';
import { PYTHON_TOOLS_INSTALL_TIMEOUT_MS, pythonTool } from '../../../helpers/pythonTools';

let checkJsonschema: string;
let schema: { $id?: string; title?: string };
let validate: ValidateFunction;

beforeAll(async () => {
  checkJsonschema = await pythonTool('check-jsonschema');
  const python = path.join(path.dirname(checkJsonschema), 'python');
  const schemaFile = execFileSync(
    python,
    ['-c', "import importlib.resources as r; print(r.files('check_jsonschema.builtin_schemas.vendor').joinpath('compose-spec.json'))"],
    { encoding: 'utf8' },
  ).trim();
  schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8')) as typeof schema;
  // strictTypes and friends would reject the official schema's own style (e.g. `properties`
  // without `type: object`); unknown keywords still fail, so no part of the schema is ignored.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, allowUnionTypes: true });
  addFormats(ajv);
  validate = ajv.compile(schema);
}, PYTHON_TOOLS_INSTALL_TIMEOUT_MS);

const describeErrors = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`).join('\n');

describe('the compose-spec schema', () => {
  test('is the official Compose Specification schema', () => {
    expect(schema).toEqual(expect.objectContaining({ $id: 'compose_spec.json', title: 'Compose Specification' }));
  });

  test('accepts docker-compose.local.yml', () => {
    // Act
    const valid = validate(parseCompose(composeFileText()));
    // Assess
    if (!valid) throw new Error(`docker-compose.local.yml does not match the compose-spec schema:\n${describeErrors(validate.errors)}`);
  });

  test.each([
    ['a misspelt healthcheck setting', (text: string) => text.replace('      start_period: 10s', '      start_perod: 10s')],
    ['an unknown service setting', (text: string) => text.replace('    working_dir: /home/dynamodblocal', '    workdir: /home/dynamodblocal')],
    ['a depends_on condition compose does not know', (text: string) => text.replace('condition: service_healthy', 'condition: service_ready')],
  ])('rejects %s, so the check has teeth', (_what, breakIt) => {
    // Prepare
    const broken = breakIt(composeFileText());
    expect(broken).not.toBe(composeFileText());
    // Act
    const valid = validate(parseCompose(broken));
    // Assess
    expect(valid).toBe(false);
  });
});

describe('check-jsonschema with its built-in compose-spec schema', () => {
  test('validates docker-compose.local.yml', () => {
    // Act
    const output = execFileSync(checkJsonschema, ['--builtin-schema', 'vendor.compose-spec', COMPOSE_FILE], { encoding: 'utf8' });
    // Assess
    expect(output).toContain('ok -- validation done');
  });

  test('fails a broken copy, naming the problem', () => {
    // Prepare
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-compose-'));
    const broken = path.join(dir, 'docker-compose.local.yml');
    fs.writeFileSync(broken, composeFileText().replace('      start_period: 10s', '      start_perod: 10s'));
    try {
      // Act
      let failure: { status?: number; stdout?: string } | undefined;
      try {
        execFileSync(checkJsonschema, ['--builtin-schema', 'vendor.compose-spec', broken], { encoding: 'utf8', stdio: 'pipe' });
      } catch (error) {
        failure = error as { status?: number; stdout?: string };
      }
      // Assess
      expect(failure?.status).toBe(1);
      expect(failure?.stdout).toContain("$.services.redpanda.healthcheck: 'start_perod' does not match any of the regexes: '^x-'");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

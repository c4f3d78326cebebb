/**
 * The checks every synthesized variant must pass:
 * - cdk-nag's AwsSolutions pack: no finding, error or warning, left unacknowledged (each
 *   acknowledgement sits beside its resource, with its reason);
 * - cfn-lint (pinned in requirements-dev.txt) over every template: no error. Its warnings (W3005:
 *   a DependsOn the CDK adds beside a Ref) are not failures.
 */
import { spawnSync } from 'node:child_process';
import { Stack } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PYTHON_TOOLS_INSTALL_TIMEOUT_MS, pythonTool } from '../helpers/pythonTools';
import { ALL_VARIANTS, SYNTH_TIMEOUT_MS, synthesizeBeforeAll, synthesizePulse, type SynthesizedPulse } from './helpers/pulseApp';

interface CfnLintMatch {
  readonly Level: 'Error' | 'Warning' | 'Informational';
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Filename: string;
}

const variant = synthesizeBeforeAll(ALL_VARIANTS);

/** Unacknowledged findings as `rule at path (severity)`, one per resource. */
function nagFindingsOf(result: SynthesizedPulse): string[] {
  const report = new AwsSolutionsChecks(result.app).validateScope(result.app);
  return report.violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath} (${violation.severity})`),
  );
}

describe('cdk-nag AwsSolutions', () => {
  it.each(Object.keys(ALL_VARIANTS))('leaves no unacknowledged error or warning in the %s deployment', (name) => {
    expect(nagFindingsOf(variant(name))).toEqual([]);
  });

  it('reports a finding nobody acknowledged, so a clean run means something', () => {
    // Prepare
    const result = synthesizePulse({ stage: 'unreviewed' });
    new sqs.Queue(Stack.of(result.stacks.pipeline), 'Unreviewed');

    // Act
    const findings = nagFindingsOf(result);

    // Assess
    expect(findings).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SQS3 at .*\/Unreviewed\/Resource \(error\)$/)]));
  }, SYNTH_TIMEOUT_MS);
});

describe('cfn-lint', () => {
  let cfnLint: string;

  beforeAll(async () => {
    cfnLint = await pythonTool('cfn-lint');
  }, PYTHON_TOOLS_INSTALL_TIMEOUT_MS);

  it('finds no error in any template of any variant', () => {
    // Prepare
    const templates = Object.keys(ALL_VARIANTS).flatMap((name) => [...variant(name).templateFiles]);

    // Act
    const run = spawnSync(cfnLint, ['--format', 'json', '--', ...templates], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

    // Assess
    expect(run.error).toBeUndefined();
    expect(templates).toHaveLength(Object.keys(ALL_VARIANTS).length * 2);
    const matches = JSON.parse(run.stdout || '[]') as CfnLintMatch[];
    const errors = matches.filter((match) => match.Level === 'Error').map((match) => `${match.Rule.Id} ${match.Message} (${match.Filename})`);
    expect(errors).toEqual([]);
  }, SYNTH_TIMEOUT_MS);
});

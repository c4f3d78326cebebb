/**
 * Composes a Pulse deployment from its checked configuration: the data stack and the pipeline
 * stack that reads it, both tagged with the project and stage.
 */
import { Tags, type App } from 'aws-cdk-lib';
import type { PulseConfig } from './config';
import { PulseDataStack } from './stacks/dataStack';
import { PulsePipelineStack } from './stacks/pipelineStack';

/** The stacks of one deployment. */
export interface PulseStacks {
  readonly data: PulseDataStack;
  readonly pipeline: PulsePipelineStack;
}

/**
 * Adds the stacks of `config` to `app`.
 * @example
 * const stacks = createPulseStacks(new App(), configFromContext({ stage: 'dev' }));
 */
export function createPulseStacks(app: App, config: PulseConfig): PulseStacks {
  const env = config.env;
  const prefix = `Pulse-${config.stage}`;
  const data = new PulseDataStack(app, `${prefix}-Data`, {
    config,
    ...(env ? { env } : {}),
    description: `Pulse (${config.stage}): network, MSK cluster and topics, DynamoDB tables`,
  });
  const pipeline = new PulsePipelineStack(app, `${prefix}-Pipeline`, {
    config,
    data,
    ...(env ? { env } : {}),
    description: `Pulse (${config.stage}): consumers and their MSK mappings, scheduled producer, HTTP API, dashboard and alarms`,
  });
  Tags.of(app).add('project', 'pulse');
  Tags.of(app).add('stage', config.stage);
  return { data, pipeline };
}

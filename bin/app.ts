#!/usr/bin/env node
/**
 * The CDK app: reads the deployment's settings from CDK context, checks them all before building
 * anything, and composes the Pulse stacks. cdk-nag's AwsSolutions pack checks every synth.
 *
 *   npx cdk synth                       # env-agnostic, MSK Serverless
 *   npx cdk deploy --all -c stage=prod -c clusterMode=provisioned
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigurationError } from '../lambdas/config/errors';
import { configFromContext } from '../lib/config';
import { createPulseStacks } from '../lib/pulseApp';

const app = new App();
try {
  // Some settings can only be checked once a lookup answered (an existing VPC's subnets): both steps report alike.
  createPulseStacks(app, configFromContext(app.node.getAllContext() as Record<string, unknown>));
} catch (error) {
  if (!(error instanceof ConfigurationError)) throw error;
  console.error(error.message);
  process.exit(1);
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

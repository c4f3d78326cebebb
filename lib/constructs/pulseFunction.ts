/**
 * A Pulse function (its entry module `lambdas/entries/<name>.ts`, which builds the handler of
 * `lambdas/handlers/<name>.ts` at init and exports it as `handler`) as a Lambda function with
 * the project's defaults: Node.js 22 on arm64, bundled by the local esbuild (minified, with source
 * maps), structured JSON logs in its own log group, and a role of its own that may write that log
 * group (and manage the function's network interfaces in a VPC) and nothing else until granted.
 */
import * as path from 'node:path';
import { Validations, type Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { HandlerName } from '../../lambdas/config/settings';
import { FUNCTION_BUNDLING, FUNCTION_RUNTIME, LOG_REMOVAL_POLICY, LOG_RETENTION } from '../defaults';

/** The repository root: esbuild's working directory and where the lock file is. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');

/** Where a function runs in a VPC. */
export interface FunctionPlacement {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: readonly ec2.ISecurityGroup[];
  /** Environment a function needs in this network (e.g. where the SDK reaches an AWS API). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** Properties of a {@link PulseFunction}. */
export interface PulseFunctionProps {
  /** The function: its entry module under `lambdas/entries/`, without extension. */
  readonly handlerName: HandlerName;
  /** What the function does, shown in the console. */
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /** Environment of the handler. @default - only `NODE_OPTIONS` for source maps */
  readonly environment?: Readonly<Record<string, string>>;
  /** The VPC placement. @default - not in a VPC */
  readonly placement?: FunctionPlacement;
}

/** The EC2 actions Lambda needs to attach a function to a VPC (those of `AWSLambdaVPCAccessExecutionRole`). */
const VPC_NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

let esbuildChecked = false;

/** Fails the synth with a clear message if esbuild is missing, rather than falling back to Docker. */
function requireLocalEsbuild(): void {
  if (esbuildChecked) return;
  try {
    require.resolve('esbuild', { paths: [PROJECT_ROOT] });
  } catch {
    throw new Error('esbuild is not installed in this checkout: run `npm ci`. Pulse bundles its functions with the local esbuild, never in Docker.');
  }
  esbuildChecked = true;
}

/**
 * A role for a Lambda function that may write `logGroup` only; in a VPC, also manage its network
 * interfaces (actions without resource-level scope).
 */
export function functionRole(scope: Construct, id: string, logGroup: logs.ILogGroup, inVpc: boolean): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  if (inVpc) {
    role.addToPolicy(new iam.PolicyStatement({ actions: VPC_NETWORK_INTERFACE_ACTIONS, resources: ['*'] }));
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'EC2 network-interface and Describe actions have no resource-level scope; they grant no data access',
    });
  }
  return role;
}

/** One Pulse handler as a Lambda function. */
export class PulseFunction extends NodejsFunction {
  /** The function's log group, with the project's retention. */
  public readonly functionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PulseFunctionProps) {
    requireLocalEsbuild();
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, { retention: LOG_RETENTION, removalPolicy: LOG_REMOVAL_POLICY });
    super(scope, id, {
      ...FUNCTION_RUNTIME,
      entry: path.join(PROJECT_ROOT, 'lambdas', 'entries', `${props.handlerName}.ts`),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      bundling: FUNCTION_BUNDLING,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      role: functionRole(scope, `${id}Role`, logGroup, props.placement !== undefined),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.placement?.environment, ...props.environment },
      ...(props.placement
        ? { vpc: props.placement.vpc, vpcSubnets: props.placement.vpcSubnets, securityGroups: [...props.placement.securityGroups] }
        : {}),
    });
    this.functionLogGroup = logGroup;
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime the handlers are bundled (esbuild target node22) and tested for; newer runtimes follow the test suite',
    });
  }
}

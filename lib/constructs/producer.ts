/**
 * The scheduled producer: the producer function invoked by an EventBridge rule every
 * `PIPELINE.producer.scheduleMinutes`, with a constant input saying how many events to send per
 * stream and over how long to spread their event times. A rate of 0 keeps the rule, disabled.
 */
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PIPELINE } from '../../lambdas/config/pipeline';
import { STREAMS } from '../../lambdas/domain/streams/registry';
import type { ProducerInput } from '../../lambdas/handlers/producer';
import { FUNCTION_SIZES } from '../defaults';
import type { PulseKafkaCluster } from './kafkaCluster';
import { PulseFunction, type FunctionPlacement } from './pulseFunction';

/** Properties of {@link PulseProducer}. */
export interface PulseProducerProps {
  /** The cluster to produce to. */
  readonly cluster: PulseKafkaCluster;
  /** Where the function runs: in the cluster's VPC. */
  readonly placement: FunctionPlacement;
  /** Events per second per stream; 0 disables the schedule. @default PIPELINE.producer.eventsPerSecondPerStream */
  readonly eventsPerSecond?: number;
  /** The handler's environment, from the pipeline plan (the cluster, the rate, log level, metrics namespace). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The producer function and its schedule. */
export class PulseProducer extends Construct {
  public readonly handler: PulseFunction;
  public readonly schedule: events.Rule;
  /** The constant input of each scheduled invocation. */
  public readonly input: Required<ProducerInput>;

  constructor(scope: Construct, id: string, props: PulseProducerProps) {
    super(scope, id);
    const { cluster } = props;
    const eventsPerSecond = props.eventsPerSecond ?? PIPELINE.producer.eventsPerSecondPerStream;
    if (!Number.isInteger(eventsPerSecond) || eventsPerSecond < 0) throw new Error(`PulseProducer: eventsPerSecond must be a whole number ≥ 0 (got ${eventsPerSecond})`);
    const period = Duration.minutes(PIPELINE.producer.scheduleMinutes);

    this.handler = new PulseFunction(this, 'Function', {
      handlerName: 'producer',
      description: 'Generates realistic events for every stream and produces them to MSK',
      ...FUNCTION_SIZES.producer,
      placement: props.placement,
      environment: props.environment,
    });
    this.handler.addToRolePolicy(new iam.PolicyStatement({ actions: ['kafka:GetBootstrapBrokers'], resources: [cluster.clusterArn] }));
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['kafka-cluster:Connect', 'kafka-cluster:WriteDataIdempotently'], resources: [cluster.clusterArn] }),
    );
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData'],
        resources: STREAMS.map((stream) => cluster.arns.topic(stream.name)),
      }),
    );

    this.input = { eventsPerStream: eventsPerSecond * period.toSeconds(), spreadMs: period.toMilliseconds() };
    this.schedule = new events.Rule(this, 'Schedule', {
      description: `Pulse producer: ${eventsPerSecond} events/s per stream`,
      schedule: events.Schedule.rate(period),
      enabled: eventsPerSecond > 0,
      targets: [
        new targets.LambdaFunction(this.handler, {
          event: events.RuleTargetInput.fromObject(this.input),
          // A late run would overlap the next one; a skipped minute is better than a burst.
          retryAttempts: 0,
          maxEventAge: Duration.minutes(1),
        }),
      ],
    });
  }
}

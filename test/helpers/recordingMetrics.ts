/** A {@link PipelineMetrics} that records what handlers add and how often they publish. */
import type { PipelineMetricUnit, PipelineMetrics } from '../../lambdas/adapters/metrics';

/** One recorded value: name, unit, value and stream (undefined when the metric has none). */
export type RecordedPoint = [name: string, unit: PipelineMetricUnit, value: number, stream: string | undefined];

/** A recording sink: `points` in the order added, `published` counts `publish()` calls. */
export function recordingMetrics(): PipelineMetrics & { readonly points: RecordedPoint[]; readonly published: () => number } {
  const points: RecordedPoint[] = [];
  let published = 0;
  return {
    points,
    published: () => published,
    add: (name, unit, value, stream) => void points.push([name, unit, value, stream]),
    publish: () => void (published += 1),
  };
}

/**
 * A handler built from one environment. Lambda keeps one per execution environment; the local
 * twin builds its own from the twin's environment and closes it on shutdown.
 */
export interface HandlerInstance<Result, Event = unknown> {
  /** Handles one invocation. */
  invoke(event: Event): Promise<Result>;
  /** Releases connections (Kafka producers); the instance is unusable afterwards. */
  close(): Promise<void>;
}

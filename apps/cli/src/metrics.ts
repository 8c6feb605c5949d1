/**
 * `--metrics-port`: @stagecast/media's Prometheus endpoint on 127.0.0.1:<port> for the participant's engine. The
 * participant replaces its engine after a crash or hang, so the server listens to a relay that follows the current
 * engine (listeners move to the new one on `engineRestarted`) instead of one engine instance.
 */
import { createMetricsServer, MetricsServerError, type MetricsServer } from '@stagecast/media';
import type { ParticipantHandle } from '@stagecast/participant';
import { CliError } from './errors.js';

type Listener = (d: never) => void;
type Loose = { on(e: string, l: Listener): unknown; off(e: string, l: Listener): unknown };

/** Engine events for the metrics server, from whichever engine the participant currently runs. */
export class EngineEventRelay {
  readonly #listeners: [string, Listener][] = [];
  #engine: Loose | undefined;

  constructor(engine: unknown) {
    this.#engine = engine as Loose | undefined;
  }

  on(event: string, listener: Listener): this {
    this.#listeners.push([event, listener]);
    this.#engine?.on(event, listener);
    return this;
  }

  off(event: string, listener: Listener): this {
    const i = this.#listeners.findIndex(([e, l]) => e === event && l === listener);
    if (i >= 0) this.#listeners.splice(i, 1);
    this.#engine?.off(event, listener);
    return this;
  }

  /** Move every listener to `engine` (the restarted one). */
  follow(engine: unknown): void {
    for (const [e, l] of this.#listeners) this.#engine?.off(e, l);
    this.#engine = engine as Loose | undefined;
    for (const [e, l] of this.#listeners) this.#engine?.on(e, l);
  }
}

/** Serves /metrics for the participant's engine on 127.0.0.1:<port>; a busy port is a CliError naming the fix. */
export async function serveParticipantMetrics(handle: ParticipantHandle, port: number): Promise<MetricsServer> {
  const relay = new EngineEventRelay(handle.engine);
  handle.on('engineRestarted', () => relay.follow(handle.engine));
  try {
    return await createMetricsServer({ port, host: '127.0.0.1', engine: relay });
  } catch (err) {
    if (err instanceof MetricsServerError)
      throw new CliError('invalid-option', `--metrics-port ${port}: ${err.message}`, { cause: err });
    throw err;
  }
}

/**
 * Engine-side request handlers of the composite and its outputs (methods in ./protocol.ts). The engine (engine.ts)
 * spreads `handlers` into its method table, calls tick() from its 1 s heartbeat and close() first at shutdown, so the
 * outputs get their EOS before the room's sessions go away.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Emit } from '../engine/webrtc-session.js';
import { OutputFailure } from '../outputs/output-manager.js';
import { CompositeFailure, CompositePipeline } from './composite-pipeline.js';
import { outputSpecSchema, compositeStartSchema } from './protocol.js';

export { CompositeFailure, OutputFailure };

export class CompositeHost {
  readonly #emit: Emit;
  #composite: CompositePipeline | null = null;
  #starting = false;

  constructor(emit: Emit) {
    this.#emit = emit;
  }

  #get(): CompositePipeline {
    if (!this.#composite) throw new CompositeFailure('bad-request', 'no composite running: call composite.start first');
    return this.#composite;
  }

  // Params were validated against the request schemas by the engine.
  readonly handlers: Record<string, (p: any) => Promise<unknown>> = {
    'composite.start': async (p) => {
      if (this.#composite || this.#starting) throw new CompositeFailure('bad-request', 'a composite is already running in this engine: composite.stop it first');
      this.#starting = true;
      try {
        const c = new CompositePipeline(compositeStartSchema.parse(p), this.#emit);
        this.#composite = c;
        const base = await c.play();
        return { baseTimeNs: base.toString() };
      } catch (err) {
        const c = this.#composite;
        this.#composite = null;
        await c?.close(0).catch(() => {});
        throw err;
      } finally {
        this.#starting = false;
      }
    },
    'composite.setSources': async (p) => {
      await this.#get().setSources(p.sources);
      return {};
    },
    'composite.setSpeaker': async (p) => {
      this.#get().setSpeaker(p.endpointId);
      return {};
    },
    'layout.set': async (p) => ({ kind: this.#get().setLayout(p) }),
    'composite.setSlate': async (p) => {
      this.#get().setSlate(p);
      return {};
    },
    'composite.countdown': async (p) => {
      this.#get().setCountdown(p);
      return {};
    },
    'composite.stats': async () => this.#get().stats(),
    'composite.stop': async (p) => {
      const c = this.#composite;
      this.#composite = null;
      return { eos: c ? await c.close(p.eosTimeoutMs) : true };
    },
    'composite.feedTest': async (p) => {
      await this.#get().feedTest(p);
      return {};
    },
    'output.start': async (p) => {
      await this.#get().outputs.start(outputSpecSchema.parse(p));
      return {};
    },
    'output.stop': async (p) => ({ eos: await this.#get().outputs.stop(p.id, p.eosTimeoutMs) }),
  };

  tick(): void {
    try {
      this.#composite?.tick();
    } catch (err) {
      console.error('composite tick failed', err);
    }
  }

  async close(eosTimeoutMs: number): Promise<boolean> {
    const c = this.#composite;
    this.#composite = null;
    return c ? c.close(eosTimeoutMs).catch(() => false) : true;
  }
}

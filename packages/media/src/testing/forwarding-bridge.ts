/**
 * Typed client of the testbed bridge's media side (engine/bridge.ts): a small SFU running in its own engine process.
 * The testbed focus drives it like jicofo drives JVB: allocate an endpoint (→ a jicofo-shaped offer SDP plus the
 * sources it announces), accept the participant's answer with the sources of its session-accept, trickle candidates,
 * and turn `bridgeSourceAdded`/`bridgeSourceRemoved` into source-add/source-remove for the other participants.
 */
import { createEngine, type CreateEngineOptions } from '../client/create-engine.js';
import type { EngineClient } from '../client/engine-client.js';
import { TypedEmitter } from '../events.js';
import type { BridgeDeclaredSource, BridgeOfferResult, BridgeSource, EngineEventData } from '../protocol/messages.js';

export type ForwardingBridgeEvents = {
  /** A participant's source is forwarded to the others: send them source-add. */
  bridgeSourceAdded: [BridgeSource];
  /** A source is gone (its endpoint left or removed it): send the others source-remove. */
  bridgeSourceRemoved: [BridgeSource];
  /** A late local candidate of an endpoint's transport (the offer already carries those gathered in time). */
  bridgeLocalCandidate: [EngineEventData<'bridgeLocalCandidate'>];
  bridgeConnectionStateChanged: [EngineEventData<'bridgeConnectionStateChanged'>];
  bridgeKeyframeRequested: [EngineEventData<'bridgeKeyframeRequested'>];
  closed: [];
};

export interface AllocateEndpointOptions {
  /** Forward only between endpoints of the same conference. Default `default`. */
  conferenceId?: string;
  /** Offer H264 (PT 107, RTX 99) besides VP8 (100, RTX 96). Default false. */
  h264?: boolean;
  /** Wait this long for ICE gathering so the offer carries candidates. Default 3000 ms. */
  gatherTimeoutMs?: number;
  /** Video sources forwarded to this endpoint until setForwardedVideo; null/absent = all, [] = none (JVB's start). */
  forwardVideo?: string[] | null;
}

const FORWARDED = [
  'bridgeSourceAdded',
  'bridgeSourceRemoved',
  'bridgeLocalCandidate',
  'bridgeConnectionStateChanged',
  'bridgeKeyframeRequested',
] as const;

export class ForwardingBridge extends TypedEmitter<ForwardingBridgeEvents> {
  readonly engine: EngineClient;
  readonly #ownsEngine: boolean;
  readonly #unsubscribe: (() => void)[] = [];
  #closing: Promise<void> | null = null;

  /** Use createForwardingBridge(); pass an existing engine only if nothing else in it uses bridge.* methods. */
  constructor(engine: EngineClient, ownsEngine: boolean) {
    super();
    this.engine = engine;
    this.#ownsEngine = ownsEngine;
    type Loose = { on(e: string, l: (d: unknown) => void): unknown; off(e: string, l: (d: unknown) => void): unknown };
    const loose = engine as unknown as Loose;
    for (const ev of FORWARDED) {
      const l = (d: unknown) => (this.safeEmit as (e: string, d: unknown) => void)(ev, d);
      loose.on(ev, l);
      this.#unsubscribe.push(() => loose.off(ev, l));
    }
  }

  /** Create the endpoint's webrtcbin (offerer) and return the offer to put into session-initiate. */
  allocateEndpoint(endpointId: string, opts: AllocateEndpointOptions = {}): Promise<BridgeOfferResult> {
    return this.engine.request('bridge.allocateEndpoint', { endpointId, ...opts });
  }

  /**
   * The participant's session-accept: its answer SDP (mids audio/video) and the sources it declared (owner = endpointId).
   * Call again with the full source list after the participant's own source-add/source-remove.
   * Resolves after the other endpoints' transports were re-negotiated; `bridgeSourceAdded` fires for each new source.
   */
  async acceptAnswer(endpointId: string, answerSdp: string, sources: BridgeDeclaredSource[]): Promise<void> {
    await this.engine.request('bridge.acceptAnswer', { endpointId, answerSdp, sources });
  }

  /** A candidate from the participant's transport-info (`candidate:…` or `a=candidate:…`; empty = end of candidates). */
  async addRemoteCandidate(endpointId: string, candidate: string, mlineIndex = 0): Promise<void> {
    await this.engine.request('bridge.addRemoteCandidate', { endpointId, candidate, mlineIndex });
  }

  /** A fresh jicofo-shaped offer with the current sources (e.g. for a session restart); same transport. */
  reoffer(endpointId: string): Promise<BridgeOfferResult> {
    return this.engine.request('bridge.reoffer', { endpointId });
  }

  /**
   * Which video sources reach the endpoint from now on (null = all); a source switched on gets a keyframe request.
   * Resolves with the names now forwarded.
   */
  async setForwardedVideo(endpointId: string, sources: string[] | null): Promise<string[]> {
    return (await this.engine.request('bridge.setForwardedVideo', { endpointId, sources })).forwarded;
  }

  /** Tear down the endpoint; its sources are removed (`bridgeSourceRemoved` each) and returned. Unknown ids: []. */
  async removeEndpoint(endpointId: string): Promise<BridgeSource[]> {
    return (await this.engine.request('bridge.removeEndpoint', { endpointId })).removedSources;
  }

  async sources(): Promise<BridgeSource[]> {
    return (await this.engine.request('bridge.sources', {})).sources;
  }

  /** Idempotent: removes every endpoint, and closes the engine if this bridge created it. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.engine.state === 'running') await this.engine.request('bridge.close', {}).catch(() => {});
      for (const u of this.#unsubscribe.splice(0)) u();
      if (this.#ownsEngine) await this.engine.close();
      this.safeEmit('closed');
    })();
    return this.#closing;
  }
}

/** Start a bridge in its own engine process (or reuse `engine`). */
export async function createForwardingBridge(
  opts: { engine?: EngineClient } & CreateEngineOptions = {},
): Promise<ForwardingBridge> {
  const { engine, ...engineOpts } = opts;
  if (engine) return new ForwardingBridge(engine, false);
  // A testbed bridge carries every participant's media on a shared 2-core box: a 3 s heartbeat gap under load is
  // not a hang worth killing the whole conference for (the product engines keep the strict default).
  const timings = { heartbeatTimeoutMs: 10_000, ...engineOpts.timings };
  return new ForwardingBridge(await createEngine({ ...engineOpts, timings }), true);
}

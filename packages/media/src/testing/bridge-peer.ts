/**
 * A bridge-like media peer for tests (and the seed of the testbed bridge's media backend): an engine in the offerer
 * role sends an endpoint's sources (test pattern + tone) to a participant engine through a Jitsi-shaped offer, trickles
 * ICE both ways, and can announce further sources mid-stream (Jitsi source-add = a re-offer to the participant).
 */
import type { EngineClient } from '../client/engine-client.js';
import type { LocalSourceRequest, ReceiveSpec, RemoteSource, SendSpec } from '../protocol/messages.js';
import { fromJitsiAnswer, toJitsiOffer, type PeerSource } from './jitsi-sdp.js';

export interface BridgePeerOptions {
  bridge: EngineClient;
  participant: EngineClient;
  sid: string;
  /** Sources the bridge forwards to the participant (all owned by other endpoints). */
  sources: (PeerSource & { active?: boolean })[];
  /** Initially signalled source names (default: all active ones). */
  signalled?: string[];
  participantSources: LocalSourceRequest[];
  bridgeSend?: SendSpec;
  bridgeReceive?: ReceiveSpec;
  jvb?: { audio: number; video: number };
}

export interface BridgePeer {
  offer: string;
  answer: { sdp: string; localSources: { ssrc: number; rtxSsrc?: number | undefined; name: string }[] };
  /** source-add: signal `name` to the participant (re-offer), then let its media flow. */
  addSource(name: string): Promise<void>;
  remoteSources(): RemoteSource[];
  close(): Promise<void>;
}

export async function connectBridgePeer(o: BridgePeerOptions): Promise<BridgePeer> {
  const { bridge, participant, sid } = o;
  const jvb = o.jvb ?? { audio: 3659539811, video: 3659539812 };
  const signalled = new Set(o.signalled ?? o.sources.filter((s) => s.active !== false).map((s) => s.name));
  let version = 2;
  let rtxOf = new Map<number, number>();
  const remoteSources = (): RemoteSource[] => [
    ...o.sources
      .filter((s) => signalled.has(s.name))
      .map((s): RemoteSource => {
        const rtx = rtxOf.get(s.ssrc);
        return { ssrc: s.ssrc, media: s.media, owner: s.owner, name: s.name, ...(rtx ? { rtxSsrc: rtx } : {}) };
      }),
    { ssrc: jvb.audio, media: 'audio', owner: 'jvb', name: 'jvb-a0' },
    { ssrc: jvb.video, media: 'video', owner: 'jvb', name: 'jvb-v0' },
  ];

  // Trickle ICE both ways. With max-bundle only the first transport is used: everything maps to m-line 0.
  const offCand = bridge.subscribe((e) => {
    if (e.type === 'localCandidate' && e.sid === sid) {
      participant.addRemoteCandidate({ sid, mid: 'audio', mlineIndex: 0, candidate: e.candidate }).catch(() => {});
    }
  });
  const offCand2 = participant.subscribe((e) => {
    if (e.type === 'localCandidate' && e.sid === sid) {
      bridge.addRemoteCandidate({ sid, mid: e.mid, mlineIndex: 0, candidate: e.candidate }).catch(() => {});
    }
  });

  await participant.openSession({ sid, localSources: o.participantSources, iceServers: [] });
  const { sdp: offer } = await bridge.request('offerer.open', {
    sid,
    sources: o.sources.map((s) => ({ name: s.name, media: s.media, ssrc: s.ssrc, active: s.active ?? true })),
    send: o.bridgeSend ?? { source: { kind: 'test' } },
    receive: o.bridgeReceive ?? { mode: 'discard' },
  });
  const first = toJitsiOffer(offer, { sources: o.sources, signalled, jvb, version: version++ });
  rtxOf = first.rtxOf;
  const answer = await participant.applyRemoteOffer({ sid, sdp: first.sdp, remoteSources: remoteSources() });
  await bridge.request('offerer.applyAnswer', { sid, sdp: fromJitsiAnswer(answer.sdp, offer) });

  return {
    offer: first.sdp,
    answer,
    remoteSources,
    async addSource(name: string) {
      signalled.add(name);
      const re = toJitsiOffer(offer, { sources: o.sources, signalled, jvb, version: version++ });
      await participant.applyRemoteOffer({ sid, sdp: re.sdp, remoteSources: remoteSources() });
      await bridge.request('offerer.setSourceActive', { sid, name, active: true });
    },
    async close() {
      offCand();
      offCand2();
      await Promise.allSettled([participant.closeSession(sid), bridge.closeSession(sid)]);
    },
  };
}

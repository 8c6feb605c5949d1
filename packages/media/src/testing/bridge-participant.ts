/**
 * Test stand-in for what the testbed focus + a participant's signaling do around a ForwardingBridge (jicofo + the
 * Jingle layer, without XMPP): allocate → the participant answers the offer → session-accept to the bridge →
 * trickle ICE both ways → source-add/source-remove re-applied to the participant as updated offers (Jitsi mode A).
 */
import type { EngineClient } from '../client/engine-client.js';
import { withRemoteSources } from '../engine/bridge-sdp.js';
import type { AnswerResult, BridgeSource, LocalSourceRequest, RemoteSource } from '../protocol/messages.js';
import type { AllocateEndpointOptions, ForwardingBridge } from './forwarding-bridge.js';

export interface BridgeParticipant {
  endpointId: string;
  sid: string;
  offerSdp: string;
  answer: AnswerResult;
  /** Remote sources the participant currently knows (without the bridge's own `jvb` ones). */
  remoteSources(): BridgeSource[];
  /** Resolves once every queued source-add/-remove was applied to the participant. */
  settled(): Promise<void>;
  /** Leave: the bridge removes the endpoint (others get source-remove), the participant closes its session. */
  leave(): Promise<void>;
}

export async function joinForwardingBridge(o: {
  bridge: ForwardingBridge;
  participant: EngineClient;
  endpointId: string;
  localSources: LocalSourceRequest[];
  allocate?: AllocateEndpointOptions;
}): Promise<BridgeParticipant> {
  const { bridge, participant, endpointId } = o;
  const sid = `sid-${endpointId}`;
  const known = new Map<number, BridgeSource>();
  let jvb: BridgeSource[] = [];
  let accepted = false;
  let version = 2;
  let chain: Promise<unknown> = Promise.resolve();
  let offerSdp = '';
  let left = false;

  const toRemote = (s: BridgeSource): RemoteSource => ({
    ssrc: s.ssrc,
    media: s.media,
    owner: s.owner,
    name: s.name,
    msid: s.msid,
    ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}),
    ...(s.videoType ? { videoType: s.videoType } : {}),
  });
  const reapply = () => {
    chain = chain.then(async () => {
      if (!accepted || left) return;
      const sources = [...known.values()];
      const sdp = withRemoteSources(offerSdp, sources, version++);
      await participant.applyRemoteOffer({ sid, sdp, remoteSources: [...sources, ...jvb].map(toRemote) });
    });
    return chain;
  };
  const onAdded = (s: BridgeSource) => {
    if (s.owner === endpointId || known.has(s.ssrc)) return;
    known.set(s.ssrc, s);
    void reapply().catch(() => {});
  };
  const onRemoved = (s: BridgeSource) => {
    if (!known.delete(s.ssrc)) return;
    void reapply().catch(() => {});
  };
  const onBridgeCandidate = (d: { endpointId: string; candidate: string }) => {
    if (d.endpointId !== endpointId) return;
    participant.addRemoteCandidate({ sid, mid: 'audio', mlineIndex: 0, candidate: d.candidate }).catch(() => {});
  };
  bridge
    .on('bridgeSourceAdded', onAdded)
    .on('bridgeSourceRemoved', onRemoved)
    .on('bridgeLocalCandidate', onBridgeCandidate);
  const offParticipant = participant.subscribe((e) => {
    if (e.type === 'localCandidate' && e.sid === sid)
      bridge.addRemoteCandidate(endpointId, e.candidate).catch(() => {});
  });

  const offer = await bridge.allocateEndpoint(endpointId, o.allocate);
  offerSdp = offer.offerSdp;
  jvb = offer.sources.filter((s) => s.owner === 'jvb');
  for (const s of offer.sources) if (s.owner !== 'jvb') known.set(s.ssrc, s);
  await participant.openSession({ sid, localSources: o.localSources, iceServers: [] });
  const answer = await participant.applyRemoteOffer({
    sid,
    sdp: offerSdp,
    remoteSources: offer.sources.map(toRemote),
  });
  await bridge.acceptAnswer(
    endpointId,
    answer.sdp,
    answer.localSources.map((s) => ({
      ssrc: s.ssrc,
      media: s.media,
      name: s.name,
      msid: s.msid,
      ...(s.rtxSsrc !== undefined ? { rtxSsrc: s.rtxSsrc } : {}),
      ...(s.videoType ? { videoType: s.videoType } : {}),
    })),
  );
  accepted = true;
  // Sources announced between allocate and accept (jicofo queues them until session-accept).
  if ([...known.values()].some((s) => !offer.sources.some((x) => x.ssrc === s.ssrc))) void reapply().catch(() => {});

  return {
    endpointId,
    sid,
    offerSdp,
    answer,
    remoteSources: () => [...known.values()],
    settled: async () => {
      await chain.catch(() => {});
    },
    async leave() {
      if (left) return;
      left = true;
      bridge
        .off('bridgeSourceAdded', onAdded)
        .off('bridgeSourceRemoved', onRemoved)
        .off('bridgeLocalCandidate', onBridgeCandidate);
      offParticipant();
      await bridge.removeEndpoint(endpointId).catch(() => {});
      await participant.closeSession(sid).catch(() => {});
    },
  };
}

export { connectBridgePeer, type BridgePeer, type BridgePeerOptions } from './bridge-peer.js';
export { toJitsiOffer, fromJitsiAnswer, type PeerSource, type JitsiOfferOptions } from './jitsi-sdp.js';
export { fakeEngineEntry } from './fake-engine-entry.js';
export { waitForEvent } from './wait-for.js';
export {
  ForwardingBridge,
  createForwardingBridge,
  type ForwardingBridgeEvents,
  type AllocateEndpointOptions,
} from './forwarding-bridge.js';
export { joinForwardingBridge, type BridgeParticipant } from './bridge-participant.js';
export {
  toJitsiBridgeOffer,
  toWebrtcbinAnswer,
  withRemoteSources,
  type BridgeSourceSdp,
} from '../engine/bridge-sdp.js';
export {
  ForwardingBridgeBackend,
  synthesizeAnswer,
  candidateLine,
  type BackendBridgeTransport,
  type BackendCandidate,
  type BackendEndpointTransport,
  type BackendSource,
} from './forwarding-bridge-backend.js';
export * from '../countdown/testing/index.js';
export * from '../playout/testing/index.js';
export { processExit } from './process-exit.js';

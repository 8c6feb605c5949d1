export { connectBridgePeer, type BridgePeer, type BridgePeerOptions } from './bridge-peer.js';
export { toJitsiOffer, fromJitsiAnswer, type PeerSource, type JitsiOfferOptions } from './jitsi-sdp.js';
export { fakeEngineEntry } from './fake-engine-entry.js';
export { waitForEvent } from './wait-for.js';

/** @stagecast/testbed: Prosody + test focus + test bridge with real media (ForwardingBridge), for tests and `npm run testbed`. */
export { startTestbed, type Testbed, type TestbedOptions } from './testbed.js';
export { ForwardingBridgeBackend } from './forwarding-backend.js';
export { acceptToAnswerSdp, candidateToSdp, candidateFromSdp } from './accept-to-sdp.js';

// Ambient types for @xmpp/* (untyped upstream), so programs that compile these sources (bench, apps) get them too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations must reach consumers
/// <reference path="../xml/xmpp-xml.d.ts" />
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations must reach consumers
/// <reference path="../connection/xmpp-client.d.ts" />
export { FakeMediaPort, type FakeMediaPortOptions } from './fake-media-port.js';
export { TestFocus, type TestFocusOptions, type TestFocusEvents, type FocusParticipant, type RoomBehaviour } from './test-focus.js';
export { TestBridge, type TestBridgeOptions, type ReceivedBridgeMessage } from './test-bridge.js';
export { SignalingOnlyBackend, randomBridgeTransport, type BridgeMediaBackend, type BridgeEndpointTransport, type EndpointTransport } from './bridge-media-backend.js';
export { buildOffer, FEATURE } from './offer-builder.js';
export { subscribeToEvents, type EventSubscription } from './subscribe-to-events.js';
export { startProsody, signJwt, ConfigJsServer, testbedConfigJs, type ProsodyTestbed } from './testbed.js';
export type { JingleMessage, JingleCandidate, JingleContent, JinglePayloadType } from '../jingle/types.js';
export { startTestbedFixture, type TestbedFixture, type TestbedFixtureOptions, type JoinOptions } from './testbed-fixture.js';

// Ambient types for @xmpp/* (untyped upstream), so programs that compile these sources (bench, apps) get them too.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations must reach consumers
/// <reference path="./xml/xmpp-xml.d.ts" />
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations must reach consumers
/// <reference path="./connection/xmpp-client.d.ts" />
export { createParticipant, prepareParticipant, JitsiParticipant, newEndpointId, type ParticipantOptions, type ParticipantEvents, type ParticipantState } from './client.js';
export * from './errors.js';
export type * from './media-port.js';
export { type Logger, silentLogger, redact } from './logger.js';
export { discoverDeployment, normaliseRoomName, parseMeetingUrl, evaluateConfigJs, serviceUrl, type Deployment, type DeploymentOverrides } from './discovery/discovery.js';
export { ExponentialBackoffPolicy, type ReconnectPolicy, type ReconnectContext } from './connection/reconnect-policy.js';
export type { XmppAuth } from './connection/xmpp-connection.js';
export type { Occupant } from './muc/muc-room.js';
export {
  readPresenceExtension,
  PresenceExtensionError,
  MAX_PRESENCE_EXTENSION_BYTES,
  type PresenceExtension,
  type PresenceExtensionErrorReason,
} from './muc/presence.js';
export type { BridgeMessage } from './colibri/messages.js';

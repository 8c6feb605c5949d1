/**
 * Typed errors for everything a user of the participant can hit. Each carries a machine-readable `reason` and a
 * message that says what to do. Secrets (tokens, passwords) never go into messages.
 */

export class JitsiError extends Error {
  override name = 'JitsiError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export type ConnectionErrorReason =
  | 'dns'
  | 'tls'
  | 'unreachable'
  | 'config-fetch-failed'
  | 'config-invalid'
  | 'websocket-failed'
  | 'auth-refused'
  | 'auth-mechanism-unsupported'
  | 'timeout'
  | 'closed';

export class ConnectionError extends JitsiError {
  override name = 'ConnectionError';
  constructor(
    readonly reason: ConnectionErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`connection:${reason}`, message, options);
  }
}

export type ConferenceErrorReason =
  | 'focus-timeout'
  | 'focus-unavailable'
  | 'not-authorized'
  | 'waiting-for-host'
  | 'room-locked'
  | 'password-required'
  | 'lobby-denied'
  | 'lobby-timeout'
  | 'room-full'
  | 'nickname-conflict'
  | 'authentication-required'
  | 'displayname-required'
  | 'join-timeout'
  | 'kicked'
  | 'room-destroyed'
  | 'not-moderator';

export class ConferenceError extends JitsiError {
  override name = 'ConferenceError';
  constructor(
    readonly reason: ConferenceErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`conference:${reason}`, message, options);
  }
}

export type JingleErrorReason =
  | 'malformed'
  | 'unsupported'
  | 'unknown-session'
  | 'no-usable-codec'
  | 'media-failed'
  | 'ice-failed'
  | 'timeout';

export class JingleError extends JitsiError {
  override name = 'JingleError';
  constructor(
    readonly reason: JingleErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`jingle:${reason}`, message, options);
  }
}

export type BridgeChannelErrorReason = 'no-bridge' | 'websockets-disabled' | 'malformed' | 'closed' | 'timeout';

export class BridgeChannelError extends JitsiError {
  override name = 'BridgeChannelError';
  constructor(
    readonly reason: BridgeChannelErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`bridge:${reason}`, message, options);
  }
}

export class InvalidStateError extends JitsiError {
  override name = 'InvalidStateError';
  constructor(message: string) {
    super('invalid-state', message);
  }
}

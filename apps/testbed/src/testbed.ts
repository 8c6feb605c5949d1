/**
 * The full local "Jitsi" with media: real Prosody (scripts/services/prosody.sh) + the TypeScript test focus + the test
 * bridge (Colibri WebSocket) whose media side is the media package's ForwardingBridge (webrtcbin SFU, real RTP), plus a
 * config.js server so `stagecast join <origin>/<room>` discovers everything like on a real deployment.
 */
import type { Logger } from '@stagecast/jitsi';
import { randomBytes } from 'node:crypto';
import { ConfigJsServer, startProsody, TestBridge, TestFocus, testbedConfigJs, type ProsodyTestbed } from '@stagecast/jitsi/testing';
import { createForwardingBridge, type ForwardingBridge } from '@stagecast/media/testing';
import { ForwardingBridgeBackend } from './forwarding-backend.js';

export interface TestbedOptions {
  /**
   * Default: warnings and errors (a failed invite, a dead bridge engine, a refused message) as one line each on
   * stderr, so a test that fails on a loaded CI machine shows what the focus and the bridge saw.
   */
  logger?: Logger;
  /** jicofo single-participant-timeout (default 20 s). */
  singleParticipantTimeoutMs?: number;
  /** Minimum spacing of restart requests the focus accepts (jicofo: 5 s). */
  restartMinIntervalMs?: number;
  /** Environment of the bridge engine process (default inherited), e.g. GST_DEBUG. */
  bridgeEnv?: Record<string, string | undefined>;
  /**
   * This testbed's focus claims the rooms whose name starts with this prefix (the shared Prosody's focus proxy routes
   * their conference requests to it), so two testbeds on one Prosody never answer each other's rooms. meetingUrl()
   * and roomName() add it. Default: a random `tb<hex>-`; '' claims nothing (the newest unclaimed focus gets the rest).
   */
  roomPrefix?: string;
  /** How long the bridge waits for ICE gathering before its offer (later candidates go out as transport-info). */
  bridgeGatherTimeoutMs?: number;
}

export interface Testbed {
  /** `http://127.0.0.1:<port>` serving /config.js: meeting URLs are `${origin}/<room>`. */
  origin: string;
  /** Meeting URL of a room of this testbed (roomName applied). */
  meetingUrl(room: string): string;
  /** The room's MUC name: `room` with this testbed's prefix (unchanged if it already has it). */
  roomName(room: string): string;
  roomPrefix: string;
  prosody: ProsodyTestbed;
  focus: TestFocus;
  bridge: TestBridge;
  media: ForwardingBridge;
  /** Stops focus, bridge (engine) and config server; Prosody keeps running (shared service). Idempotent. */
  close(): Promise<void>;
}

/** Warnings and errors to stderr (one line each, bindings and fields as JSON); debug/info dropped. */
function problemsToStderr(bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: unknown, msg?: string) => {
    const fields = obj instanceof Error ? { err: obj.message } : typeof obj === 'object' && obj !== null ? obj : { msg: obj };
    const safe = JSON.stringify({ ...bindings, ...fields }, (_k, v: unknown) => (v instanceof Error ? v.message : v));
    process.stderr.write(`[testbed ${level}] ${msg ?? ''} ${safe}\n`);
  };
  return {
    debug() {},
    info() {},
    warn: write('warn'),
    error: write('error'),
    child: (more) => problemsToStderr({ ...bindings, ...more }),
  };
}

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const log = (options.logger ?? problemsToStderr()).child({ module: 'testbed' });
  const prosody = await startProsody();
  const roomPrefix = (options.roomPrefix ?? `tb${randomBytes(3).toString('hex')}-`).toLowerCase();
  const roomName = (room: string) => (room.toLowerCase().startsWith(roomPrefix) ? room : `${roomPrefix}${room}`);
  const closers: (() => Promise<unknown>)[] = [];
  const closeAll = async (): Promise<void> => {
    for (const c of closers.splice(0).reverse()) await c().catch((err: unknown) => log.warn({ err }, 'testbed close step failed'));
  };
  try {
    const media = await createForwardingBridge({ logger: log, ...(options.bridgeEnv ? { env: options.bridgeEnv } : {}) });
    closers.push(() => media.close());
    media.engine.on('died', (err) => log.error({ err: err.message }, 'testbed bridge engine died: restart the testbed'));
    const bridge = await TestBridge.start();
    closers.push(() => bridge.close());
    const backend = new ForwardingBridgeBackend(media, {
      logger: log,
      ...(options.bridgeGatherTimeoutMs !== undefined ? { gatherTimeoutMs: options.bridgeGatherTimeoutMs } : {}),
    });
    // JVB semantics: each endpoint receives the video sources its ReceiverVideoConstraints ask for (test bridge
    // decides, docs/jitsi-protocol.md §11), nothing before the first message.
    bridge.on('forwardedSourcesChanged', (conferenceId, endpointId, sources) => {
      backend.setForwardedVideo({ conferenceId, endpointId, sources }).catch((err: unknown) =>
        log.warn({ err: err instanceof Error ? err.message : String(err), endpointId }, 'forwarding change failed'),
      );
    });
    const focus = await TestFocus.start({
      websocketUrl: prosody.websocketUrl,
      domain: prosody.domain,
      focusPassword: prosody.focusPassword,
      bridge,
      media: backend,
      ...(roomPrefix ? { roomPrefix } : {}),
      // The forwarding bridge keeps senders' SSRCs (no SSRC rewriting, docs/jitsi-protocol.md §10 mode A).
      ssrcRewriting: false,
      ...(options.singleParticipantTimeoutMs !== undefined ? { singleParticipantTimeoutMs: options.singleParticipantTimeoutMs } : {}),
      ...(options.restartMinIntervalMs !== undefined ? { restartMinIntervalMs: options.restartMinIntervalMs } : {}),
      logger: log,
    });
    closers.push(() => focus.close());
    const config = await ConfigJsServer.start(testbedConfigJs(prosody));
    closers.push(() => config.close());
    let closing: Promise<void> | undefined;
    return {
      origin: config.origin,
      meetingUrl: (room) => `${config.origin}/${encodeURIComponent(roomName(room))}`,
      roomName,
      roomPrefix,
      prosody,
      focus,
      bridge,
      media,
      close: () => (closing ??= closeAll()),
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

/**
 * The engine channel protocol (docs/media-engine.md §6): newline-delimited JSON, requests on fd 3 (client → engine),
 * responses and events on fd 4 (engine → client). Language-neutral on purpose: a PyGObject engine could speak it too.
 * Every message is validated with these schemas on both sides.
 *
 * The MediaPort shapes of packages/jitsi (src/media-port.ts) are mirrored here structurally; this package never imports
 * @stagecast/jitsi.
 */
import { z } from 'zod';
import {
  playoutActionSchema,
  playoutSourceSchema,
  playoutStateSchema,
  playoutStatusSchema,
  playoutModeChosenSchema,
  playoutAlertReasonSchema,
  latePolicySchema,
} from '../playout/playout-spec.js';
import { compositeEventSchemas, compositeRequestSchemas, compositeResultSchemas } from '../composite/protocol.js';
import { countdownStyleSchema, countdownTargetSchema } from '../countdown/countdown-style.js';

/** Bumped on any incompatible change; the engine reports it in `ready` and the client refuses a mismatch. */
export const PROTOCOL_VERSION = 1;

export const mediaKindSchema = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof mediaKindSchema>;
export const videoTypeSchema = z.enum(['camera', 'desktop']);
const ssrcSchema = z
  .number()
  .int()
  .min(1)
  .max(2 ** 32 - 1);

export const localSourceRequestSchema = z.object({
  name: z.string().min(1),
  media: mediaKindSchema,
  ssrc: ssrcSchema,
  msid: z.string().min(1),
  videoType: videoTypeSchema.optional(),
});
export type LocalSourceRequest = z.infer<typeof localSourceRequestSchema>;
export const localSourceDescriptionSchema = localSourceRequestSchema.extend({ rtxSsrc: ssrcSchema.optional() });
export type LocalSourceDescription = z.infer<typeof localSourceDescriptionSchema>;

export const remoteSourceSchema = z.object({
  ssrc: ssrcSchema,
  rtxSsrc: ssrcSchema.optional(),
  media: mediaKindSchema,
  owner: z.string().min(1),
  name: z.string().min(1),
  videoType: videoTypeSchema.optional(),
  msid: z.string().optional(),
  nick: z.string().optional(),
});
export type RemoteSource = z.infer<typeof remoteSourceSchema>;

export const iceServerSchema = z.object({
  urls: z.string().min(1),
  username: z.string().optional(),
  credential: z.string().optional(),
});

// ---- send / receive specs (builders/send.ts, builders/receive.ts turn these into pipeline descriptions) ----

export const videoCodecSchema = z.enum(['vp8', 'h264']);
export type VideoCodec = z.infer<typeof videoCodecSchema>;

export const encoderSettingsSchema = z.object({
  /** Target video bitrate in bit/s. */
  videoBitrate: z.number().int().positive().default(1_500_000),
  /** Keyframe interval in frames (also the maximum a new receiver waits when no PLI path exists). */
  keyframeInterval: z.number().int().positive().default(60),
  audioBitrate: z.number().int().positive().default(48_000),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  framerate: z.number().int().positive().optional(),
});
export type EncoderSettings = z.input<typeof encoderSettingsSchema>;

export const sendSourceSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('test'),
    width: z.number().int().positive().default(640),
    height: z.number().int().positive().default(360),
    framerate: z.number().int().positive().default(30),
    pattern: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .default('smpte'),
    /** Sine frequency in Hz. */
    frequency: z.number().positive().default(440),
    audio: z.boolean().default(true),
    video: z.boolean().default(true),
  }),
  z.object({
    kind: z.literal('file'),
    /** Absolute path or URI (file://, http://); any container uridecodebin3 can demux. */
    location: z.string().min(1),
    loop: z.boolean().default(true),
    audio: z.boolean().default(true),
    video: z.boolean().default(true),
  }),
  z.object({
    kind: z.literal('srt'),
    /** `srt://:7001?mode=listener` (OBS/ffmpeg connect to us) or `srt://host:port` (caller). MPEG-TS payload. */
    uri: z.string().startsWith('srt://'),
    latencyMs: z.number().int().nonnegative().default(125),
  }),
  z.object({
    kind: z.literal('rtmp'),
    /** RTMP URL pulled with rtmp2src, e.g. a local nginx-rtmp application that OBS/ffmpeg publishes to. */
    url: z.string().regex(/^rtmps?:\/\//),
  }),
  z.object({
    kind: z.literal('pipeline'),
    /** gst-launch syntax with elements named `audio` and/or `video` whose src pads carry raw or encoded media. */
    description: z.string().min(1),
  }),
  z.object({
    /**
     * The frame-accurate countdown clock (countdown/README.md): video, plus beeps as audio when style.beeps.enabled.
     * The session's pipeline then runs on a REALTIME system clock. Change target/style later with `countdown.set`.
     */
    kind: z.literal('countdown'),
    style: countdownStyleSchema.optional(),
    target: countdownTargetSchema.nullable().default(null),
  }),
  /**
   * Scheduled playout (issue 8, playout/README.md): countdown until `startsAt`, then the talk file from the frame whose
   * wall time is `startsAt`, then a slate / the next countdown. The session pipeline runs on a REALTIME clock.
   * Control it with `playout.control`.
   */
  playoutSourceSchema,
]);
export type SendSource = z.input<typeof sendSourceSchema>;
export type SendSourceParsed = z.infer<typeof sendSourceSchema>;

export const sendSpecSchema = z.object({
  source: sendSourceSchema,
  encoder: encoderSettingsSchema.default({ videoBitrate: 1_500_000, keyframeInterval: 60, audioBitrate: 48_000 }),
  /** Preferred video codec; the negotiated one must be in the offer. */
  videoCodec: videoCodecSchema.default('vp8'),
  /**
   * Screen-share: a second source whose video is sent as the desktop source (`<ep>-v1`, videoType `desktop`) when
   * the session's localSources declare one. Encoded with the same codec and settings as the camera.
   */
  desktop: sendSourceSchema.optional(),
});
export type SendSpec = z.input<typeof sendSpecSchema>;
export type SendSpecParsed = z.infer<typeof sendSpecSchema>;

export const receiveSpecSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('template'),
    /**
     * gst-launch bins per remote source, with placeholders {participant_id} {nick} {source_name} {media_type}
     * (gst-meet's --recv-pipeline-participant-template). Media arrive decoded (video/x-raw, audio/x-raw) unless
     * `decode` is false. A missing template for a media type → fakesink.
     */
    video: z.string().min(1).optional(),
    audio: z.string().min(1).optional(),
    decode: z.boolean().default(true),
  }),
  z.object({
    mode: z.literal('shared'),
    /** One gst-launch pipeline with elements named `video` / `audio` that have request sink pads (compositor, audiomixer). */
    description: z.string().min(1),
    decode: z.boolean().default(true),
  }),
  z.object({ mode: z.literal('discard') }),
]);
export type ReceiveSpec = z.input<typeof receiveSpecSchema>;
export type ReceiveSpecParsed = z.infer<typeof receiveSpecSchema>;

// ---- methods ----

export const sessionOpenParamsSchema = z.object({
  sid: z.string().min(1),
  localSources: z.array(localSourceRequestSchema),
  iceServers: z.array(iceServerSchema).default([]),
  send: sendSpecSchema.optional(),
  receive: receiveSpecSchema.default({ mode: 'discard' }),
  /** How long applyRemoteOffer waits for the first encoded caps before answering anyway (SSRC/RTX lines need them). */
  firstCapsTimeoutMs: z.number().int().positive().default(4000),
  /**
   * Pipeline clock: `realtime` = GstSystemClock REALTIME (wall ns = base time + running time; e.g. a recorder that maps
   * received frames to wall clock, see the `pipelineClock` event). Countdown and playout sessions always use it.
   */
  clock: z.enum(['system', 'realtime']).default('system'),
});
export type SessionOpenParams = z.input<typeof sessionOpenParamsSchema>;

export const applyRemoteOfferParamsSchema = z.object({
  sid: z.string().min(1),
  sdp: z.string().min(1),
  remoteSources: z.array(remoteSourceSchema),
});
export const answerResultSchema = z.object({ sdp: z.string(), localSources: z.array(localSourceDescriptionSchema) });
export type AnswerResult = z.infer<typeof answerResultSchema>;

export const remoteCandidateParamsSchema = z.object({
  sid: z.string().min(1),
  mid: z.string(),
  mlineIndex: z.number().int().nonnegative(),
  candidate: z.string(),
});

/** Offerer role (src/testing bridge peer): every source is a send transceiver of its own. */
export const offererSourceSchema = z.object({
  name: z.string().min(1),
  media: mediaKindSchema,
  ssrc: ssrcSchema,
  /** Starts dropping packets (valve) until offerer.setSourceActive: lets a test signal it later (source-add). */
  active: z.boolean().default(true),
});
export const offererOpenParamsSchema = z.object({
  sid: z.string().min(1),
  sources: z.array(offererSourceSchema).min(1),
  send: sendSpecSchema,
  receive: receiveSpecSchema.default({ mode: 'discard' }),
});
export const offererApplyAnswerParamsSchema = z.object({ sid: z.string().min(1), sdp: z.string().min(1) });
export const offererSetSourceActiveParamsSchema = z.object({ sid: z.string(), name: z.string(), active: z.boolean() });

// ---- testbed forwarding bridge (engine/bridge.ts): one pipeline, one webrtcbin offerer per endpoint ----

export const bridgeDeclaredSourceSchema = z.object({
  ssrc: ssrcSchema,
  rtxSsrc: ssrcSchema.optional(),
  media: mediaKindSchema,
  /** Jitsi source name `<endpoint>-a0`, `<endpoint>-v0`, `<endpoint>-v1` (desktop). */
  name: z.string().min(1),
  msid: z.string().min(1),
  videoType: videoTypeSchema.optional(),
});
export type BridgeDeclaredSource = z.infer<typeof bridgeDeclaredSourceSchema>;
export const bridgeSourceSchema = bridgeDeclaredSourceSchema.extend({ owner: z.string().min(1) });
export type BridgeSource = z.infer<typeof bridgeSourceSchema>;
const endpointIdSchema = z.string().regex(/^[\w.@-]{1,64}$/, 'endpoint ids are 1–64 word characters, dots, @ or -');
export const bridgeAllocateParamsSchema = z.object({
  endpointId: endpointIdSchema,
  /** Offer H264 (107, RTX 99) besides VP8 (100, RTX 96); H264 sources are forwarded only to endpoints that offered it. */
  h264: z.boolean().default(false),
  /** Forwarding happens between endpoints of the same conference only. */
  conferenceId: z.string().min(1).max(512).default('default'),
  /** How long to wait for ICE gathering so the offer carries the bridge's candidates (later ones are events). */
  gatherTimeoutMs: z.number().int().nonnegative().default(3000),
  /**
   * Video sources (names) forwarded to this endpoint; null (default) = all. A JVB forwards nothing before the
   * receiver's first ReceiverVideoConstraints (docs/jitsi-protocol.md §11), so the testbed allocates with [].
   */
  forwardVideo: z.array(z.string().max(128)).max(500).nullable().default(null),
});
export const bridgeOfferResultSchema = z.object({ offerSdp: z.string(), sources: z.array(bridgeSourceSchema) });
export type BridgeOfferResult = z.infer<typeof bridgeOfferResultSchema>;

/** Change the countdown send source of a session (kind `countdown`) at run time; omitted fields stay as they are. */
export const countdownSetParamsSchema = z.object({
  sid: z.string().min(1),
  target: countdownTargetSchema.nullable().optional(),
  style: countdownStyleSchema.optional(),
});

export const requestSchemas = {
  'session.open': sessionOpenParamsSchema,
  'session.applyRemoteOffer': applyRemoteOfferParamsSchema,
  'session.addRemoteCandidate': remoteCandidateParamsSchema,
  'session.close': z.object({ sid: z.string().min(1) }),
  'countdown.set': countdownSetParamsSchema,
  /** Organiser controls of a playout session; `sid` may be omitted when one session plays out. */
  'playout.control': z.object({ sid: z.string().min(1).optional(), action: playoutActionSchema }),
  'playout.status': z.object({ sid: z.string().min(1).optional() }),
  'offerer.open': offererOpenParamsSchema,
  'offerer.applyAnswer': offererApplyAnswerParamsSchema,
  'offerer.setSourceActive': offererSetSourceActiveParamsSchema,
  'bridge.allocateEndpoint': bridgeAllocateParamsSchema,
  'bridge.acceptAnswer': z.object({
    endpointId: endpointIdSchema,
    answerSdp: z.string().min(1),
    sources: z.array(bridgeDeclaredSourceSchema).max(20),
  }),
  'bridge.addRemoteCandidate': z.object({
    endpointId: endpointIdSchema,
    mlineIndex: z.number().int().nonnegative().default(0),
    candidate: z.string(),
  }),
  'bridge.reoffer': z.object({ endpointId: endpointIdSchema }),
  'bridge.removeEndpoint': z.object({ endpointId: endpointIdSchema }),
  /** Which video sources reach this endpoint from now on (null = all); a source switched on gets a keyframe request. */
  'bridge.setForwardedVideo': z.object({
    endpointId: endpointIdSchema,
    sources: z.array(z.string().max(128)).max(500).nullable(),
  }),
  'bridge.sources': z.object({}),
  'bridge.close': z.object({}),
  'engine.stats': z.object({}),
  'engine.shutdown': z.object({ eosTimeoutMs: z.number().int().nonnegative().default(3000) }),
  /** Test hooks for the watchdog: block the JS thread, or abort the process like a native crash. */
  'debug.block': z.object({ ms: z.number().int().positive() }),
  'debug.crash': z.object({}),
  ...compositeRequestSchemas,
} as const;
export type Method = keyof typeof requestSchemas;
export type RequestParams<M extends Method> = z.input<(typeof requestSchemas)[M]>;

export const resultSchemas = {
  'session.open': z.object({}),
  'session.applyRemoteOffer': answerResultSchema,
  'session.addRemoteCandidate': z.object({}),
  'session.close': z.object({}),
  'countdown.set': z.object({}),
  'playout.control': playoutStatusSchema,
  'playout.status': playoutStatusSchema,
  'offerer.open': z.object({ sdp: z.string() }),
  'offerer.applyAnswer': z.object({}),
  'offerer.setSourceActive': z.object({}),
  'bridge.allocateEndpoint': bridgeOfferResultSchema,
  'bridge.acceptAnswer': z.object({}),
  'bridge.addRemoteCandidate': z.object({}),
  'bridge.reoffer': bridgeOfferResultSchema,
  'bridge.removeEndpoint': z.object({ removedSources: z.array(bridgeSourceSchema) }),
  /** Names of the video sources now forwarded to the endpoint. */
  'bridge.setForwardedVideo': z.object({ forwarded: z.array(z.string()) }),
  'bridge.sources': z.object({ sources: z.array(bridgeSourceSchema) }),
  'bridge.close': z.object({}),
  'engine.stats': z.object({ sessions: z.array(z.string()), rssBytes: z.number(), uptimeMs: z.number() }),
  'engine.shutdown': z.object({ eos: z.boolean() }),
  'debug.block': z.object({}),
  'debug.crash': z.object({}),
  ...compositeResultSchemas,
} as const satisfies Record<Method, z.ZodType>;
export type RequestResult<M extends Method> = z.infer<(typeof resultSchemas)[M]>;

export const requestEnvelopeSchema = z.object({
  id: z
    .number()
    .int()
    .nonnegative()
    .max(2 ** 32 - 1),
  method: z.string(),
  params: z.unknown(),
});
export type RequestEnvelope = z.infer<typeof requestEnvelopeSchema>;

/** Error codes carried in responses; `bad-request` = schema failure, `pipeline` = gst parse/link failure. */
export const errorCodeSchema = z.enum([
  'bad-request',
  'unknown-method',
  'unknown-session',
  'session-exists',
  'pipeline',
  'negotiation',
  'internal',
]);
export type EngineErrorCode = z.infer<typeof errorCodeSchema>;
export const responseSchema = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    id: z.number().int(),
    ok: z.literal(false),
    error: z.object({
      code: errorCodeSchema,
      message: z.string(),
      /** For code `pipeline`: gst error details (e.g. the unknown element name). */
      details: z.record(z.string(), z.string()).optional(),
    }),
  }),
]);

// ---- events ----

const connectionStateSchema = z.enum(['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed']);
export type MediaConnectionState = z.infer<typeof connectionStateSchema>;

export const sourceStatsSchema = z.object({
  ssrc: z.number(),
  direction: z.enum(['inbound', 'outbound']),
  media: mediaKindSchema.optional(),
  owner: z.string().optional(),
  name: z.string().optional(),
  bitrate: z.number(),
  packets: z.number(),
  packetsLost: z.number(),
  /** Decoded frames (video) or buffers (audio) so far; only for inbound branches that decode. */
  framesDecoded: z.number().optional(),
  frozen: z.boolean().optional(),
});
export type SourceStats = z.infer<typeof sourceStatsSchema>;

export const eventSchemas = {
  ready: z.object({ protocolVersion: z.number(), pid: z.number(), gstVersion: z.string() }),
  heartbeat: z.object({
    seq: z.number(),
    rssBytes: z.number(),
    cpuUserUs: z.number(),
    sessions: z.number(),
    /** V8 heap in use and memory held by JS objects outside it (Buffers): tells a JS leak from a native one. */
    heapUsedBytes: z.number().optional(),
    externalBytes: z.number().optional(),
  }),
  localCandidate: z.object({ sid: z.string(), mid: z.string(), mlineIndex: z.number(), candidate: z.string() }),
  iceGatheringCompleted: z.object({ sid: z.string() }),
  connectionStateChanged: z.object({ sid: z.string(), state: connectionStateSchema }),
  remotePadAdded: z.object({
    sid: z.string(),
    ssrc: z.number(),
    media: mediaKindSchema,
    caps: z.string(),
    owner: z.string().optional(),
    name: z.string().optional(),
    /** `template`/`shared`/`fakesink` (bridge-owned or unknown) */
    sink: z.string(),
  }),
  /** First decoded frame/buffer of a branch (polled at 20 ms from the JS thread, no streaming-thread callback). */
  firstFrameDecoded: z.object({ sid: z.string(), ssrc: z.number(), msSincePad: z.number() }),
  remoteBranchRemoved: z.object({ sid: z.string(), ssrc: z.number(), reason: z.string() }),
  keyframeRequested: z.object({ sid: z.string(), ssrc: z.number(), pli: z.number(), fir: z.number() }),
  freezeStarted: z.object({ sid: z.string(), ssrc: z.number(), name: z.string().optional() }),
  freezeEnded: z.object({ sid: z.string(), ssrc: z.number(), name: z.string().optional(), frozenMs: z.number() }),
  busError: z.object({ sid: z.string().optional(), element: z.string(), message: z.string(), debug: z.string() }),
  busWarning: z.object({ sid: z.string().optional(), element: z.string(), message: z.string(), debug: z.string() }),
  eos: z.object({ sid: z.string().optional() }),
  stats: z.object({ sid: z.string(), at: z.number(), sources: z.array(sourceStatsSchema) }),
  bridgeSourceAdded: bridgeSourceSchema,
  bridgeSourceRemoved: bridgeSourceSchema,
  bridgeLocalCandidate: z.object({
    endpointId: z.string(),
    mid: z.string(),
    mlineIndex: z.number(),
    candidate: z.string(),
  }),
  bridgeConnectionStateChanged: z.object({ endpointId: z.string(), state: connectionStateSchema }),
  /** Receivers asked for a keyframe of this source; `requests` = PLI + FIR the bridge has sent to its sender so far. */
  bridgeKeyframeRequested: z.object({ owner: z.string(), name: z.string(), ssrc: z.number(), requests: z.number() }),
  /** Once per session when its base time is known (and on change): wall ns = baseTimeNs + running time (realtime). */
  pipelineClock: z.object({ sid: z.string(), realtime: z.boolean(), baseTimeNs: z.string().regex(/^\d+$/) }),
  /** Playout state machine (playout/README.md); `atMs` is the engine's wall clock. */
  playoutStateChanged: z.object({
    sid: z.string(),
    state: playoutStateSchema,
    reason: z.string(),
    positionMs: z.number().nullable(),
    atMs: z.number(),
  }),
  /** The playout was set up after its start time; the policy decided where the talk starts. */
  playoutLateStarted: z.object({
    sid: z.string(),
    policy: latePolicySchema,
    lateMs: z.number(),
    positionMs: z.number(),
    switchAtMs: z.number(),
  }),
  /** Something the organisers must know (the room stays up, the slate shows): a broken file, a late preroll. */
  playoutAlerted: z.object({
    sid: z.string(),
    reason: playoutAlertReasonSchema,
    message: z.string(),
  }),
  /** Per talk branch: passthrough or transcode, and why (playout/README.md "Passthrough"). */
  playoutModeChosen: playoutModeChosenSchema.extend({ sid: z.string() }),
  ...compositeEventSchemas,
} as const;
export type EngineEventName = keyof typeof eventSchemas;
export type EngineEventData<E extends EngineEventName> = z.infer<(typeof eventSchemas)[E]>;
export const eventEnvelopeSchema = z.object({ event: z.string(), data: z.unknown() });

/** Parse one line from fd 4 into a response or a validated event. Throws ZodError/SyntaxError on garbage. */
export function parseEngineLine(
  line: string,
):
  | { kind: 'response'; response: z.infer<typeof responseSchema> }
  | { kind: 'event'; event: EngineEventName; data: unknown } {
  const raw: unknown = JSON.parse(line);
  if (typeof raw === 'object' && raw !== null && 'event' in raw) {
    const env = eventEnvelopeSchema.parse(raw);
    if (!(env.event in eventSchemas)) throw new Error(`unknown engine event "${env.event}"`);
    const name = env.event as EngineEventName;
    return { kind: 'event', event: name, data: eventSchemas[name].parse(env.data) };
  }
  return { kind: 'response', response: responseSchema.parse(raw) };
}

export function isMethod(m: string): m is Method {
  return Object.prototype.hasOwnProperty.call(requestSchemas, m);
}

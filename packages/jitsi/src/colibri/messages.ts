/**
 * Colibri bridge-channel message catalogue (docs/jitsi-protocol.md §11; jitsi-videobridge
 * `…/videobridge/message/BridgeChannelMessage.kt`, LJM `modules/RTC/BridgeChannel.js`).
 *
 * Receive: zod schemas → a discriminated union on `colibriClass`. Known classes are validated (extra fields tolerated:
 * newer bridges add some); unknown or deliberately unused classes become an `Ignored` result, never an error.
 * Send: builders produce exactly the documented shapes (JVB parses strictly with Jackson; unknown fields may be
 * rejected), validated by strict schemas before serialisation.
 */
import { z } from 'zod';
import { BridgeChannelError } from '../errors.js';
import { bridgeMalformed } from '../xml/parse.js';

const u32 = z.number().int().min(0).max(0xffffffff);
/** JVB serialises some booleans as strings (`"active":"true"`); accept both forms. */
const stringBoolean = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

// --- bridge → client -------------------------------------------------------------------------------------------

export const serverHelloSchema = z.looseObject({
  colibriClass: z.literal('ServerHello'),
  version: z.string().optional(),
});

export const dominantSpeakerSchema = z.looseObject({
  colibriClass: z.literal('DominantSpeakerEndpointChangeEvent'),
  dominantSpeakerEndpoint: z.string(),
  previousSpeakers: z.array(z.string()).optional(),
  silence: stringBoolean.optional(),
});

export const endpointConnectivitySchema = z.looseObject({
  colibriClass: z.literal('EndpointConnectivityStatusChangeEvent'),
  endpoint: z.string(),
  active: stringBoolean,
});

export const forwardedSourcesSchema = z.looseObject({
  colibriClass: z.literal('ForwardedSources'),
  forwardedSources: z.array(z.string()),
});

export const senderSourceConstraintsSchema = z.looseObject({
  colibriClass: z.literal('SenderSourceConstraints'),
  sourceName: z.string(),
  maxHeight: z.number().int().min(-1),
});

/** `videoType` as JVB's `VideoType` enum (upper case); tolerate case. */
const bridgeVideoType = z
  .string()
  .transform((v) => v.toUpperCase())
  .pipe(z.enum(['CAMERA', 'DESKTOP', 'DESKTOP_HIGH_FPS', 'DISABLED', 'NONE']));

export const videoSourceMappingSchema = z.looseObject({
  source: z.string(),
  owner: z.string(),
  ssrc: u32,
  /** −1 (or absent) = no RTX for this slot. */
  rtx: z.number().int().min(-1).max(0xffffffff).optional(),
  videoType: bridgeVideoType.optional(),
  mid: z.string().optional(),
});
export type VideoSourceMapping = z.infer<typeof videoSourceMappingSchema>;

export const audioSourceMappingSchema = z.looseObject({
  source: z.string(),
  owner: z.string(),
  ssrc: u32,
  mid: z.string().optional(),
});
export type AudioSourceMapping = z.infer<typeof audioSourceMappingSchema>;

export const videoSourcesMapSchema = z.looseObject({
  colibriClass: z.literal('VideoSourcesMap'),
  mappedSources: z.array(videoSourceMappingSchema),
});

export const audioSourcesMapSchema = z.looseObject({
  colibriClass: z.literal('AudioSourcesMap'),
  mappedSources: z.array(audioSourceMappingSchema),
});

export const connectionStatsSchema = z.looseObject({
  colibriClass: z.literal('ConnectionStats'),
  estimatedDownlinkBandwidth: z.number().optional(),
});

export const endpointMessageSchema = z.looseObject({
  colibriClass: z.literal('EndpointMessage'),
  from: z.string().optional(),
  to: z.string().optional(),
  msgPayload: z.unknown().optional(),
});

export const endpointStatsSchema = z.looseObject({
  colibriClass: z.literal('EndpointStats'),
  from: z.string().optional(),
});

export const bridgeMessageSchema = z.discriminatedUnion('colibriClass', [
  serverHelloSchema,
  dominantSpeakerSchema,
  endpointConnectivitySchema,
  forwardedSourcesSchema,
  senderSourceConstraintsSchema,
  videoSourcesMapSchema,
  audioSourcesMapSchema,
  connectionStatsSchema,
  endpointMessageSchema,
  endpointStatsSchema,
]);

export type ServerHello = z.infer<typeof serverHelloSchema>;
export type DominantSpeakerEndpointChangeEvent = z.infer<typeof dominantSpeakerSchema>;
export type EndpointConnectivityStatusChangeEvent = z.infer<typeof endpointConnectivitySchema>;
export type ForwardedSources = z.infer<typeof forwardedSourcesSchema>;
export type SenderSourceConstraints = z.infer<typeof senderSourceConstraintsSchema>;
export type VideoSourcesMap = z.infer<typeof videoSourcesMapSchema>;
export type AudioSourcesMap = z.infer<typeof audioSourcesMapSchema>;
export type ConnectionStats = z.infer<typeof connectionStatsSchema>;
export type EndpointMessage = z.infer<typeof endpointMessageSchema>;
export type EndpointStats = z.infer<typeof endpointStatsSchema>;

/** A class we do not know (newer bridge) or deliberately do not use (e.g. SyntheticSourceSendingChangeEvent). */
export interface IgnoredBridgeMessage {
  colibriClass: 'Ignored';
  originalClass: string;
}

export type BridgeMessage = z.infer<typeof bridgeMessageSchema> | IgnoredBridgeMessage;
export type KnownBridgeMessageClass = z.infer<typeof bridgeMessageSchema>['colibriClass'];

const KNOWN = new Set<string>(bridgeMessageSchema.options.map((o) => o.shape.colibriClass.value));
const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

/**
 * Parses one text frame from the bridge. Returns a typed message, `Ignored` for unknown classes, or throws
 * BridgeChannelError('malformed') for invalid JSON or a known class with a wrong shape. Never throws anything else.
 */
export function parseBridgeMessage(text: unknown): BridgeMessage {
  if (typeof text !== 'string') throw bridgeMalformed('frame is not text');
  if (text.length > MAX_MESSAGE_CHARS) throw bridgeMalformed(`frame of ${text.length} characters is too large`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw bridgeMalformed('frame is not valid JSON', err);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw bridgeMalformed('frame is not a JSON object');
  const cls = (raw as { colibriClass?: unknown }).colibriClass;
  if (typeof cls !== 'string' || cls === '') throw bridgeMalformed('frame has no "colibriClass" string');
  if (!KNOWN.has(cls)) return { colibriClass: 'Ignored', originalClass: cls };
  const parsed = bridgeMessageSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw bridgeMalformed(`${cls} invalid at "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

// --- client → bridge -------------------------------------------------------------------------------------------

const constraintSchema = z.strictObject({
  /** −1 unlimited, 0 off. */
  maxHeight: z.number().int().min(-1),
  maxFrameRate: z.number().min(0).optional(),
});
export type VideoConstraint = z.infer<typeof constraintSchema>;

export const receiverVideoConstraintsSchema = z.strictObject({
  colibriClass: z.literal('ReceiverVideoConstraints'),
  lastN: z.number().int().min(-1).optional(),
  selectedSources: z.array(z.string()).optional(),
  onStageSources: z.array(z.string()).optional(),
  defaultConstraints: constraintSchema.optional(),
  /** Keyed by source name (`<ep>-v0`), never by endpoint. */
  constraints: z.record(z.string(), constraintSchema).optional(),
});
export const lastNChangedSchema = z.strictObject({
  colibriClass: z.literal('LastNChangedEvent'),
  lastN: z.number().int().min(-1),
});
export const sourceVideoTypeSchema = z.strictObject({
  colibriClass: z.literal('SourceVideoTypeMessage'),
  sourceName: z.string().min(1),
  videoType: z.enum(['camera', 'desktop', 'desktop_high_fps', 'none']),
});
export const clientEndpointMessageSchema = z.strictObject({
  colibriClass: z.literal('EndpointMessage'),
  /** `""` = broadcast. */
  to: z.string(),
  msgPayload: z.record(z.string(), z.unknown()),
});
export const clientEndpointStatsSchema = z.strictObject({
  colibriClass: z.literal('EndpointStats'),
  bitrate: z
    .strictObject({
      upload: z.number(),
      download: z.number(),
      audio: z.unknown().optional(),
      video: z.unknown().optional(),
    })
    .optional(),
  packetLoss: z.strictObject({ total: z.number(), upload: z.number(), download: z.number() }).optional(),
  connectionQuality: z.number().min(0).max(100).optional(),
  jvbRTT: z.number().optional(),
  maxEnabledResolution: z.number().optional(),
});
export const clientHelloSchema = z.strictObject({ colibriClass: z.literal('ClientHello') });

export const clientBridgeMessageSchema = z.discriminatedUnion('colibriClass', [
  receiverVideoConstraintsSchema,
  lastNChangedSchema,
  sourceVideoTypeSchema,
  clientEndpointMessageSchema,
  clientEndpointStatsSchema,
  clientHelloSchema,
]);
export type ClientBridgeMessage = z.infer<typeof clientBridgeMessageSchema>;
export type ReceiverVideoConstraints = z.infer<typeof receiverVideoConstraintsSchema>;
export type SourceVideoType = z.infer<typeof sourceVideoTypeSchema>['videoType'];
export type ClientEndpointStats = Omit<z.infer<typeof clientEndpointStatsSchema>, 'colibriClass'>;

/** Validates and serialises a client message; a wrong shape is our bug, reported as BridgeChannelError('malformed'). */
export function encodeBridgeMessage(msg: ClientBridgeMessage): string {
  const parsed = clientBridgeMessageSchema.safeParse(msg);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BridgeChannelError(
      'malformed',
      `Refusing to send ${String((msg as { colibriClass?: unknown }).colibriClass)}: "${issue?.path.join('.') ?? ''}" ${issue?.message ?? 'invalid'}. Fix the caller's arguments.`,
    );
  }
  return JSON.stringify(parsed.data);
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Sticky fields: send only what changes. Without `defaultConstraints` the first message means 180p (§11). */
export function receiverVideoConstraints(
  fields: Omit<ReceiverVideoConstraints, 'colibriClass'>,
): ReceiverVideoConstraints {
  return { colibriClass: 'ReceiverVideoConstraints', ...defined(fields) };
}

export function lastNChangedEvent(lastN: number): ClientBridgeMessage {
  return { colibriClass: 'LastNChangedEvent', lastN };
}

export function sourceVideoTypeMessage(sourceName: string, videoType: SourceVideoType): ClientBridgeMessage {
  return { colibriClass: 'SourceVideoTypeMessage', sourceName, videoType };
}

/** `to: ""` broadcasts; the bridge adds `from`. */
export function endpointMessage(to: string, msgPayload: Record<string, unknown>): ClientBridgeMessage {
  return { colibriClass: 'EndpointMessage', to, msgPayload };
}

/** Answer to an `e2e-ping-request` endpoint message (LJM `modules/e2eping/e2eping.js`), sent to the requester. */
export function e2ePingResponse(to: string, id: number): ClientBridgeMessage {
  return endpointMessage(to, { type: 'e2e-ping-response', id });
}

/** If `msg` is an `e2e-ping-request` endpoint message, the id to answer; else undefined. */
export function e2ePingRequestId(msg: BridgeMessage): number | undefined {
  if (msg.colibriClass !== 'EndpointMessage') return undefined;
  const p = msg.msgPayload;
  if (p === null || typeof p !== 'object') return undefined;
  const { type, id } = p as { type?: unknown; id?: unknown };
  return type === 'e2e-ping-request' && typeof id === 'number' && Number.isFinite(id) ? id : undefined;
}

export function endpointStats(stats: ClientEndpointStats): ClientBridgeMessage {
  return { colibriClass: 'EndpointStats', ...defined(stats) };
}

export function clientHello(): ClientBridgeMessage {
  return { colibriClass: 'ClientHello' };
}

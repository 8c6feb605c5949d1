/**
 * Element names shared by the send-chain builder (builders/send.ts, `playoutSplice`) and the playout source, which
 * finds them in the chain to splice the talk's own encoded video into the payloader (playout/README.md "Passthrough").
 */
export const PLAYOUT_ENCODER = 'stagecast_playout_encoder';
/**
 * The chain's leaky input queue: gate events (SEGMENT, GstForceKeyUnit) are sent into its sink pad. That side runs in
 * the compositor's output thread, which ends at this queue: sending there never waits for the encoder's thread, which
 * may itself be waiting for a JS callback further down (webrtcbin) — sending at the encoder's sink pad deadlocked.
 */
export const PLAYOUT_GATE = 'stagecast_playout_gate';
export const PLAYOUT_ENCODER_SYNC = 'stagecast_playout_encoder_sync';
export const PLAYOUT_FUNNEL = 'stagecast_playout_funnel';
/** The payloader: its `stats` (running time of the last packet) tell when the encoder's frames before T went out. */
export const PLAYOUT_PAY = 'stagecast_playout_pay';
/**
 * Both the encoder output and the spliced file frames are released at running time + pipeline latency + this, so
 * they reach the payloader in timestamp order (an encoder frame that is still being encoded when the file's first
 * frame is due would otherwise land after it: a delta frame on top of the file's keyframe).
 */
export const PLAYOUT_SPLICE_DELAY_NS = 100_000_000;

/**
 * Receive-side branch descriptions (docs/media-engine.md §7): per remote SSRC pad
 * `queue ! depay ! decode ! tee` → a user template (gst-meet's --recv-pipeline-participant-template, placeholders
 * {participant_id} {nick} {source_name} {media_type}) or a request pad of one shared user pipeline; a `fakesink`
 * counter on the tee gives frames decoded without any per-buffer JS (its `stats` property is read at 1 Hz).
 * Every branch starts with a queue so webrtcbin's streaming thread never runs our decoders (§4.11).
 */
import type { ReceiveSpecParsed } from '../protocol/messages.js';

export interface TemplateVars {
  participant_id: string;
  nick: string;
  source_name: string;
  media_type: 'audio' | 'video';
}

/** Values are sanitized so a nick cannot break the gst-launch syntax (or a file path built from it). */
export function sanitizeTemplateValue(v: string): string {
  const s = v.replace(/[^\w.@-]/g, '_');
  return s.length ? s.slice(0, 64) : '_';
}

export function fillTemplate(template: string, vars: TemplateVars): string {
  return template.replace(/\{(participant_id|nick|source_name|media_type)\}/g, (_m, k: keyof TemplateVars) =>
    sanitizeTemplateValue(vars[k]),
  );
}

export const COUNTER_NAME = 'stagecast_counter';

function depayDecode(media: 'audio' | 'video', encodingName: string, decode: boolean): string {
  const enc = encodingName.toUpperCase();
  if (media === 'video' && enc === 'VP8') {
    // request-keyframe: a gap sends force-key-unit upstream → webrtcbin sends PLI → the sender's encoder answers.
    const d = 'rtpvp8depay request-keyframe=true wait-for-keyframe=true';
    return decode ? `${d} ! vp8dec ! videoconvert` : d;
  }
  if (media === 'video' && enc === 'H264') {
    const d = 'rtph264depay request-keyframe=true wait-for-keyframe=true ! h264parse';
    return decode ? `${d} ! avdec_h264 ! videoconvert` : d;
  }
  if (media === 'audio' && enc === 'OPUS') {
    const d = 'rtpopusdepay';
    return decode ? `${d} ! opusdec ! audioconvert ! audioresample` : `${d} ! opusparse`;
  }
  throw new Error(`no depayloader for ${media} ${encodingName}`);
}

export type BranchPlan =
  | { kind: 'fakesink'; description: string }
  | { kind: 'template'; description: string }
  | { kind: 'shared'; description: string; target: 'audio' | 'video' };

/**
 * The bin for one remote SSRC pad (parsed with ghost pads: its unlinked sink becomes the input; in shared mode its
 * unlinked src becomes the output linked to the shared element's request pad).
 */
export function branchPlan(p: {
  media: 'audio' | 'video';
  encodingName: string;
  spec: ReceiveSpecParsed;
  vars: TemplateVars;
  /** bridge-owned (owner `jvb`) or unknown SSRCs carry no media for us. */
  discard: boolean;
}): BranchPlan {
  const head = 'queue max-size-buffers=0 max-size-bytes=0 max-size-time=500000000';
  if (p.discard || p.spec.mode === 'discard') {
    return { kind: 'fakesink', description: `${head} ! fakesink name=${COUNTER_NAME} sync=false async=false` };
  }
  const chain = depayDecode(p.media, p.encodingName, p.spec.decode);
  const counter = `t. ! queue max-size-buffers=2 leaky=downstream ! fakesink name=${COUNTER_NAME} sync=false async=false`;
  if (p.spec.mode === 'shared') {
    return {
      kind: 'shared',
      target: p.media,
      description: `${head} ! ${chain} ! tee name=t ${counter}  t. ! queue`,
    };
  }
  const template = p.media === 'video' ? p.spec.video : p.spec.audio;
  if (!template) {
    return { kind: 'fakesink', description: `${head} ! fakesink name=${COUNTER_NAME} sync=false async=false` };
  }
  return {
    kind: 'template',
    description: `${head} ! ${chain} ! tee name=t ${counter}  t. ! queue ! ${fillTemplate(template, p.vars)}`,
  };
}

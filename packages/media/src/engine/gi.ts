/**
 * The one place that touches node-gtk (docs/media-engine.md §4.8): GI objects stay `any` in here and in the engine
 * modules that receive them; everything crossing the channel is plain JSON. Loaded only inside the engine process.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { createRequire } from 'node:module';
import { PipelineError } from '../errors.js';

const require = createRequire(import.meta.url);
const gi = require('node-gtk');
export const GLib: any = gi.require('GLib', '2.0');
export const Gst: any = gi.require('Gst', '1.0');
export const GstWebRTC: any = gi.require('GstWebRTC', '1.0');
export const GstSdp: any = gi.require('GstSdp', '1.0');
/** Control sources for property automation (countdown beeps: a step-interpolated volume, no per-buffer JS). */
export const GstController: any = gi.require('GstController', '1.0');
Gst.init(null);

export type GObj = any;

/** gst parse errors → typed PipelineError naming the element (`no element "foo"`) or the link that failed. */
export function toPipelineError(err: unknown, description: string, what: string): PipelineError {
  const msg = err instanceof Error ? err.message : String(err);
  const noEl = /no element "([^"]+)"/.exec(msg);
  if (noEl?.[1]) {
    return new PipelineError(
      'unknown-element',
      `${what}: unknown GStreamer element "${noEl[1]}" — check the spelling or install the plugin providing it ` +
        `(gst-inspect-1.0 ${noEl[1]})`,
      { element: noEl[1], description },
    );
  }
  const link = /could not link (\S+) to (\S+)/.exec(msg);
  if (link?.[1] && link[2]) {
    return new PipelineError(
      'link-failed',
      `${what}: could not link ${link[1]} to ${link[2]} — their caps do not intersect; add a converter or capsfilter`,
      { from: link[1], to: link[2], description },
    );
  }
  return new PipelineError('syntax', `${what}: invalid gst-launch description (${msg})`, { description, gst: msg });
}

/** parseBinFromDescription with ghost pads for unlinked pads; typed errors. */
export function parseBin(description: string, what: string, ghostUnlinkedPads = true): GObj {
  try {
    const bin = Gst.parseBinFromDescription(description, ghostUnlinkedPads);
    if (!bin) throw new Error('parse returned nothing');
    return bin;
  } catch (err) {
    throw toPipelineError(err, description, what);
  }
}

/** A webrtcbin action signal with a trailing GstPromise → JS Promise of the reply structure (may be null). */
export function gstPromise(emit: (p: GObj) => void): Promise<GObj> {
  return new Promise((resolve, reject) => {
    const p = Gst.Promise.newWithChangeFunc((pr: GObj) => {
      try {
        const reply = pr.getReply();
        if (reply && reply.hasField('error')) reject(new Error(String(reply.toString())));
        else resolve(reply);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
      }
    });
    emit(p);
  });
}

export function sessionDescription(type: 'offer' | 'answer', sdp: string): GObj {
  const r = GstSdp.sdpMessageNewFromText(sdp);
  const msg = Array.isArray(r) ? r[1] : r;
  const t = type === 'offer' ? GstWebRTC.WebRTCSDPType.OFFER : GstWebRTC.WebRTCSDPType.ANSWER;
  return GstWebRTC.WebRTCSessionDescription.new(t, msg);
}

/** Read numeric fields out of a serialized GstStructure (stats at 1 Hz; avoids per-type getters and BigInt juggling). */
export function structNumbers(s: GObj | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!s) return out;
  const text = String(s.toString());
  const re = /([a-z0-9-]+)=\((?:g?u?int(?:64)?|double|uint|int|guint64|gint64)\)(-?[0-9.e+]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) if (m[1] && m[2]) out[m[1]] = Number(m[2]);
  return out;
}

export const ICE_STATES: Record<number, string> = Object.fromEntries(
  Object.entries(GstWebRTC.WebRTCICEConnectionState as Record<string, number>).map(([k, v]) => [v, k.toLowerCase()]),
);
export const GATHERING_COMPLETE: number = GstWebRTC.WebRTCICEGatheringState.COMPLETE;

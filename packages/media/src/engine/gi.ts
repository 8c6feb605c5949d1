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
export const GObject: any = gi.require('GObject', '2.0');
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

/*
 * node-gtk 4.1 never frees a transfer-full string it returns (gst_object_get_path_string, gst_object_get_name,
 * gst_structure_to_string, gst_caps_to_string, …): every call leaks the C string (measured linear: 46 B per
 * getPathString, ≈ 500 B per level-message toString()). On a periodic path (bus messages, 1 Hz stats) that is a
 * steady RSS creep — the 30-minute broadcast soak grew 0.9 MB/min from it. Periodic code reads structures and
 * element names only through the helpers below, which use transfer-none calls (field names, GValues, the `name`
 * and `parent` properties); the RSS-slope test in gi.integration.test.ts keeps them honest.
 */

/** GValue type name → the GValue getter for the numeric types stats structures carry. */
const NUMERIC_GETTERS: Record<string, string> = {
  guint64: 'getUint64',
  gint64: 'getInt64',
  guint: 'getUint',
  gint: 'getInt',
  gulong: 'getUlong',
  glong: 'getLong',
  gdouble: 'getDouble',
  gfloat: 'getFloat',
};

/** The numeric fields of a GstStructure (stats at 1 Hz, splitmuxsink messages), without serializing it. */
export function structNumbers(s: GObj | null): Record<string, number> {
  const out: Record<string, number> = {};
  if (!s) return out;
  const n: number = s.nFields();
  for (let i = 0; i < n; i++) {
    const field = String(s.nthFieldName(i));
    const v = s.getValue(field);
    const getter = v ? NUMERIC_GETTERS[String(GObject.typeName(v.gType))] : undefined;
    if (getter) out[field] = Number(v[getter]());
  }
  return out;
}

/** A GValueArray field of doubles (level's rms/peak/decay per channel); [] when absent or of another type. */
export function structDoubles(s: GObj | null, field: string): number[] {
  const v = s?.getValue(field);
  if (!v || String(GObject.typeName(v.gType)) !== 'GValueArray') return [];
  const arr = v.getBoxed();
  const out: number[] = [];
  for (let i = 0; i < (arr?.nValues ?? 0); i++) out.push(Number(arr.getNth(i).getDouble()));
  return out;
}

/** Names from the top-level parent down to `obj` (what gst_object_get_path_string shows, without the leak). */
export function objectNames(obj: GObj | null | undefined): string[] {
  const names: string[] = [];
  for (let o = obj; o; o = o.parent) names.unshift(String(o.name));
  return names;
}

export const ICE_STATES: Record<number, string> = Object.fromEntries(
  Object.entries(GstWebRTC.WebRTCICEConnectionState as Record<string, number>).map(([k, v]) => [v, k.toLowerCase()]),
);
export const GATHERING_COMPLETE: number = GstWebRTC.WebRTCICEGatheringState.COMPLETE;

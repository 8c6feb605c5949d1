/**
 * SRT output URIs (issue 5): `srt://host:port` (caller: we connect to a receiver), `srt://:port` or
 * `srt://[bind-address]:port?mode=listener` (listener: receivers connect to us), `?mode=rendezvous`. Parsed by hand:
 * WHATWG URL rejects the common `srt://:port` listener form. Every rejection says what to write instead.
 */

export type SrtMode = 'caller' | 'listener' | 'rendezvous';

export interface SrtTarget {
  mode: SrtMode;
  /** Remote host (caller, rendezvous) or local bind address (listener; 0.0.0.0 when the URI has none). */
  host: string;
  port: number;
  /** Query parameters passed through to srtsink (mode, latency, passphrase… normalised). */
  params: Record<string, string>;
}

export class SrtUriError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SrtUriError';
  }
}

/** srtsink URI parameters we pass through (GStreamer 1.22 gst_srt_object_set_uri). */
const KNOWN = new Set([
  'mode',
  'latency',
  'passphrase',
  'pbkeylen',
  'streamid',
  'localaddress',
  'localport',
  'poll-timeout',
  'authentication',
]);
const EXAMPLES = 'srt://receiver.example.com:9000 (caller) or srt://:9000?mode=listener (listener)';

export function parseSrtUri(uri: string): SrtTarget {
  if (!uri.startsWith('srt://'))
    throw new SrtUriError(`"${uri}" is not an SRT URI: it must start with srt://, e.g. ${EXAMPLES}`);
  const m = /^srt:\/\/(\[[0-9a-fA-F:.]+\]|[^\s:/?#@[\]]*)(?::(\d*))?\/?(?:\?([^#\s]*))?$/.exec(uri);
  if (!m)
    throw new SrtUriError(
      `"${uri}" is not a valid SRT URI (no user, path or fragment; IPv6 in brackets): write ${EXAMPLES}`,
    );
  const host = m[1] ?? '';
  const portText = m[2];
  if (!portText) {
    throw new SrtUriError(
      `SRT URI "${uri}" has no port: add one, e.g. ${host ? `srt://${host}:9000` : 'srt://:9000?mode=listener'}`,
    );
  }
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new SrtUriError(`SRT URI "${uri}": port ${portText} is out of range: use 1–65535`);
  const params: Record<string, string> = {};
  for (const part of (m[3] ?? '').split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = decodeURIComponent(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1));
    if (!KNOWN.has(key))
      throw new SrtUriError(`SRT URI "${uri}": unknown parameter "${key}": use only ${[...KNOWN].join(', ')}`);
    params[key] = value;
  }
  const modeText = params.mode ?? (host ? 'caller' : 'listener');
  if (modeText !== 'caller' && modeText !== 'listener' && modeText !== 'rendezvous') {
    throw new SrtUriError(
      `SRT URI "${uri}": mode=${modeText} is unknown: use mode=caller, mode=listener or mode=rendezvous`,
    );
  }
  const mode: SrtMode = modeText;
  if (mode !== 'listener' && !host) {
    throw new SrtUriError(
      `SRT URI "${uri}": ${mode} mode needs the receiver's host: write srt://receiver.example.com:${port}, or srt://:${port}?mode=listener to wait for receivers`,
    );
  }
  if (params.latency !== undefined && !/^\d+$/.test(params.latency)) {
    throw new SrtUriError(
      `SRT URI "${uri}": latency=${params.latency} is not a whole number of milliseconds: e.g. latency=200`,
    );
  }
  if (params.passphrase !== undefined && (params.passphrase.length < 10 || params.passphrase.length > 79)) {
    throw new SrtUriError(`SRT URI "${uri}": the passphrase must be 10–79 characters (SRT's limit)`);
  }
  params.mode = mode;
  return { mode, host: host || '0.0.0.0', port, params };
}

/** The URI handed to srtsink: host always present, mode explicit, latency/passphrase from the output spec win. */
export function srtSinkUri(t: SrtTarget, o: { latencyMs?: number; passphrase?: string } = {}): string {
  const params = { ...t.params };
  if (o.latencyMs !== undefined) params.latency = String(o.latencyMs);
  if (o.passphrase !== undefined) params.passphrase = o.passphrase;
  const query = Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return `srt://${t.host}:${t.port}?${query}`;
}

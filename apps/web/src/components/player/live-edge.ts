/**
 * Pure player helpers: where the playhead is relative to the live edge, and when to try an offline stream again.
 */

export interface LiveEdgeStatus {
  atLiveEdge: boolean;
  /** Whole seconds behind the normal live position (0 at the edge). */
  behindSeconds: number;
  label: string;
}

/**
 * `latencySec` is how far the playhead is behind the end of the live playlist (hls.js `latency`); players sit
 * `targetLatencySec` behind on purpose (3 segments by default), so only lag beyond that plus `toleranceSec` counts.
 */
export function liveEdgeStatus(latencySec: number, targetLatencySec: number | null, toleranceSec = 2): LiveEdgeStatus {
  const target = targetLatencySec ?? 0;
  const behind = Number.isFinite(latencySec) ? Math.max(0, latencySec - target) : 0;
  if (behind <= toleranceSec) return { atLiveEdge: true, behindSeconds: 0, label: 'LIVE' };
  const whole = Math.round(behind);
  return { atLiveEdge: false, behindSeconds: whole, label: `Behind live by ${whole} s` };
}

/**
 * Delay before retrying an offline stream: 2 s, 3 s, 4.5 s … capped at `maxMs`, ±20 % jitter so many viewers do not
 * hit the origin in lockstep when a stream comes back.
 */
export function offlineRetryDelayMs(attempt: number, random: () => number = Math.random, maxMs = 10_000): number {
  const base = Math.min(maxMs, 2000 * 1.5 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** The `<iframe>` snippet for embedding the minimal player elsewhere. */
export function embedSnippet(embedUrl: string, title: string): string {
  const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return (
    `<iframe src="${escape(embedUrl)}" title="${escape(title)}" width="960" height="540" ` +
    `style="border:0;max-width:100%;aspect-ratio:16/9;height:auto" allow="autoplay; fullscreen" allowfullscreen></iframe>`
  );
}

export type PlaybackEngine = 'hls.js' | 'native' | 'unsupported';

/**
 * hls.js (Media Source Extensions) in Chromium and Firefox; Safari's own HLS stack where it exists (it handles
 * PROGRAM-DATE-TIME via getStartDate and is better on battery); native also on iOS versions without MSE.
 */
export function choosePlaybackEngine(input: {
  hlsJsSupported: boolean;
  nativeHls: string;
  userAgent: string;
}): PlaybackEngine {
  const nativeOk = input.nativeHls === 'probably' || input.nativeHls === 'maybe';
  const isSafari = /^((?!chrome|chromium|crios|fxios|android|edg).)*safari/i.test(input.userAgent);
  if (nativeOk && (isSafari || !input.hlsJsSupported)) return 'native';
  if (input.hlsJsSupported) return 'hls.js';
  return nativeOk ? 'native' : 'unsupported';
}

/**
 * NTP-style clock offset over HTTP (the on-wire algorithm of RFC 5905 §8 with the server's two timestamps collapsed
 * into one, as an HTTP handler reads its clock once): the client notes t0 before the request and t1 after the
 * response; the server's reading S was taken somewhere in between, so offset = S − (t0 + t1) / 2 with an error of at
 * most (t1 − t0) / 2. Slow samples (queueing, TCP/TLS setup, a busy main thread) have wide bounds, so like NTP's
 * clock filter we keep only the lowest-RTT samples.
 */
export interface ClockSample {
  /** Client clock (Date.now()) just before the request was sent. */
  sentAtMs: number;
  /** Client clock just after the response arrived. */
  receivedAtMs: number;
  /** Server clock reading carried in the response. */
  serverTimeMs: number;
}

export interface OffsetEstimate {
  /** Add to the client clock to get server time. */
  offsetMs: number;
  /** Round trip of the best sample. */
  rttMs: number;
  /** Worst-case error of the best sample (its RTT / 2). */
  uncertaintyMs: number;
  /** Valid samples offered and how many of the fastest were combined. */
  samples: number;
  used: number;
}

export class ClockOffsetError extends Error {
  override name = 'ClockOffsetError';
  constructor(
    readonly reason: 'no-samples' | 'http-status' | 'bad-response' | 'timeout' | 'network',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const sampleRttMs = (s: ClockSample): number => s.receivedAtMs - s.sentAtMs;
export const sampleOffsetMs = (s: ClockSample): number => s.serverTimeMs - (s.sentAtMs + s.receivedAtMs) / 2;

function isValid(s: ClockSample): boolean {
  return (
    Number.isFinite(s.sentAtMs) &&
    Number.isFinite(s.receivedAtMs) &&
    Number.isFinite(s.serverTimeMs) &&
    s.receivedAtMs >= s.sentAtMs
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface EstimateOptions {
  /** Combine at most this many of the fastest samples (median of their offsets). Default 3. */
  keep?: number;
}

/** The offset from the fastest samples; throws ClockOffsetError('no-samples') when none is usable. */
export function estimateOffset(samples: readonly ClockSample[], options: EstimateOptions = {}): OffsetEstimate {
  const keep = Math.max(1, Math.floor(options.keep ?? 3));
  const valid = samples.filter(isValid).sort((a, b) => sampleRttMs(a) - sampleRttMs(b));
  if (valid.length === 0) {
    throw new ClockOffsetError(
      'no-samples',
      'no usable time samples: every /api/time request failed or went backwards',
    );
  }
  // Only samples about as fast as the best one: a sample twice as slow has twice the error bound.
  const best = sampleRttMs(valid[0]!);
  const chosen = valid.slice(0, keep).filter((s) => sampleRttMs(s) <= 2 * best + 2);
  return {
    offsetMs: median(chosen.map(sampleOffsetMs)),
    rttMs: best,
    uncertaintyMs: best / 2,
    samples: valid.length,
    used: chosen.length,
  };
}

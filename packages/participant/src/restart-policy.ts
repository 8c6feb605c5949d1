/**
 * Bounded engine restarts with exponential backoff and jitter (LiveKit's ReconnectPolicy shape): at most
 * `maxRestarts` within `windowMs`; delay base·2ⁿ capped at `maxDelayMs`. Returns null when the budget is spent.
 */
export interface EngineRestartPolicy {
  /** Delay before the next restart attempt, or null to give up. `recent` = restarts inside the window so far. */
  nextDelayMs(ctx: { recent: number; attempt: number }): number | null;
  readonly windowMs: number;
}

export interface BackoffOptions {
  maxRestarts?: number;
  windowMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** 0..1 share of random jitter added to each delay. */
  jitter?: number;
}

export function backoffRestartPolicy(o: BackoffOptions = {}): EngineRestartPolicy {
  const maxRestarts = o.maxRestarts ?? 5;
  const base = o.baseDelayMs ?? 500;
  const cap = o.maxDelayMs ?? 30_000;
  const jitter = o.jitter ?? 0.2;
  return {
    windowMs: o.windowMs ?? 10 * 60_000,
    nextDelayMs({ recent, attempt }) {
      if (recent >= maxRestarts) return null;
      const d = Math.min(cap, base * 2 ** Math.max(0, attempt));
      return Math.round(d * (1 + jitter * Math.random()));
    },
  };
}

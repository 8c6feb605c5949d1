/** Pluggable reconnect policy (LiveKit's `ReconnectPolicy` shape): `null` = give up. */
export interface ReconnectContext {
  /** 0 for the first retry. */
  attempt: number;
  elapsedMs: number;
}
export interface ReconnectPolicy {
  nextRetryDelayInMs(ctx: ReconnectContext): number | null;
}

/** Exponential backoff 1, 2, 4 … capped, with ±20 % jitter; gives up after `maxElapsedMs`. */
export class ExponentialBackoffPolicy implements ReconnectPolicy {
  constructor(
    private readonly options: { initialMs?: number; maxMs?: number; maxElapsedMs?: number; jitter?: number } = {},
  ) {}
  nextRetryDelayInMs(ctx: ReconnectContext): number | null {
    const { initialMs = 1000, maxMs = 30_000, maxElapsedMs = 5 * 60_000, jitter = 0.2 } = this.options;
    if (ctx.elapsedMs >= maxElapsedMs) return null;
    const base = Math.min(maxMs, initialMs * 2 ** Math.min(ctx.attempt, 30));
    const spread = base * jitter;
    return Math.max(0, Math.round(base - spread + Math.random() * 2 * spread));
  }
}

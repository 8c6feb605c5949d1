/**
 * The browser's estimate of the server clock: samples /api/time several times (sequentially, so requests do not
 * queue behind each other), keeps the fastest round trips (clock-offset.ts) and re-syncs periodically, since client
 * clocks drift and get stepped by the OS.
 */
import { z } from 'zod';
import { ClockOffsetError, estimateOffset, type ClockSample, type OffsetEstimate } from './clock-offset.js';

/** Body of GET /api/time. */
export const serverTimeResponseSchema = z.object({ serverTimeMs: z.number().finite() });
export type ServerTimeResponse = z.infer<typeof serverTimeResponseSchema>;

export interface ServerClockOptions {
  /** Default '/api/time'. */
  url?: string;
  fetch?: typeof fetch;
  /** Client clock; default Date.now. */
  now?: () => number;
  /** Requests per sync (default 8) and the pause between them (default 40 ms). */
  samples?: number;
  gapMs?: number;
  /** Per-request timeout (default 3 s). */
  timeoutMs?: number;
  /** Re-sync period (default 60 s); a failed sync retries after `retryMs` (default 5 s). */
  resyncMs?: number;
  retryMs?: number;
}

export type ServerClockListener = (estimate: OffsetEstimate) => void;

export class ServerClock {
  readonly #url: string;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #samples: number;
  readonly #gapMs: number;
  readonly #timeoutMs: number;
  readonly #resyncMs: number;
  readonly #retryMs: number;
  readonly #listeners = new Set<ServerClockListener>();
  #estimate: OffsetEstimate | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #abort = new AbortController();
  #closed = false;

  constructor(options: ServerClockOptions = {}) {
    this.#url = options.url ?? '/api/time';
    this.#fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#now = options.now ?? (() => Date.now());
    this.#samples = options.samples ?? 8;
    this.#gapMs = options.gapMs ?? 40;
    this.#timeoutMs = options.timeoutMs ?? 3000;
    this.#resyncMs = options.resyncMs ?? 60_000;
    this.#retryMs = options.retryMs ?? 5000;
  }

  get estimate(): OffsetEstimate | null {
    return this.#estimate;
  }

  /** Server time now, or null before the first successful sync. */
  now(): number | null {
    return this.#estimate ? this.#now() + this.#estimate.offsetMs : null;
  }

  onChange(listener: ServerClockListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** One sync round; resolves with the new estimate or rejects with ClockOffsetError. */
  async sync(): Promise<OffsetEstimate> {
    const samples: ClockSample[] = [];
    let lastError: unknown = null;
    for (let i = 0; i < this.#samples && !this.#closed; i++) {
      if (i > 0) await this.#sleep(this.#gapMs);
      try {
        samples.push(await this.#sample());
      } catch (error: unknown) {
        lastError = error;
      }
    }
    if (samples.length === 0 && lastError instanceof ClockOffsetError) throw lastError;
    const estimate = estimateOffset(samples);
    this.#estimate = estimate;
    for (const listener of this.#listeners) {
      try {
        listener(estimate);
      } catch {
        // A broken listener must not stop the clock.
      }
    }
    return estimate;
  }

  /** Syncs now and then every `resyncMs` until close(). */
  start(): void {
    if (this.#closed || this.#timer) return;
    const run = async () => {
      let delay = this.#resyncMs;
      try {
        await this.sync();
      } catch {
        delay = this.#retryMs;
      }
      if (!this.#closed) this.#timer = setTimeout(() => void run(), delay);
    };
    this.#timer = setTimeout(() => void run(), 0);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#abort.abort();
    this.#listeners.clear();
  }

  async #sample(): Promise<ClockSample> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const signal = AbortSignal.any([timeout, this.#abort.signal]);
    const sentAtMs = this.#now();
    let response: Response;
    try {
      response = await this.#fetch(this.#url, { cache: 'no-store', signal });
    } catch (error: unknown) {
      const reason = timeout.aborted ? 'timeout' : 'network';
      throw new ClockOffsetError(reason, `GET ${this.#url} failed (${reason}); is the web server reachable?`, {
        cause: error,
      });
    }
    const receivedAtMs = this.#now();
    if (!response.ok) {
      throw new ClockOffsetError('http-status', `GET ${this.#url} answered ${response.status}; expected 200`);
    }
    const parsed = serverTimeResponseSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) {
      throw new ClockOffsetError('bad-response', `GET ${this.#url} did not return {"serverTimeMs": <number>}`);
    }
    return { sentAtMs, receivedAtMs, serverTimeMs: parsed.data.serverTimeMs };
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#abort.signal.addEventListener(
        'abort',
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
  }
}

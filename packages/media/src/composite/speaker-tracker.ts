/**
 * Dominant-speaker hysteresis for the speaker layout: the bridge's DominantSpeakerEndpointChangeEvent
 * (docs/jitsi-protocol.md §11) can flip several times a second when two people talk over each other; a broadcast
 * must not cut that fast. A new speaker is taken only after they stayed dominant for `confirmMs`, and never sooner
 * than `minHoldMs` after the previous cut. Pure (timers only), so it is tested with fake timers.
 */
export interface SpeakerTrackerOptions {
  /** How long a new speaker must stay dominant before we cut to them (default 1500 ms). */
  confirmMs?: number;
  /** Minimum time on one speaker (default 4000 ms). */
  minHoldMs?: number;
  now?: () => number;
}

export class SpeakerTracker {
  readonly #confirmMs: number;
  readonly #minHoldMs: number;
  readonly #now: () => number;
  readonly #onChange: (endpointId: string) => void;
  #current: string | undefined;
  #candidate: string | undefined;
  #lastCutAt = -Infinity;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(onChange: (endpointId: string) => void, o: SpeakerTrackerOptions = {}) {
    this.#onChange = onChange;
    this.#confirmMs = o.confirmMs ?? 1500;
    this.#minHoldMs = o.minHoldMs ?? 4000;
    this.#now = o.now ?? Date.now;
  }

  get current(): string | undefined {
    return this.#current;
  }

  /** Feed every raw dominant-speaker event. */
  observe(endpointId: string): void {
    if (endpointId === this.#current) {
      this.#candidate = undefined;
      this.#clear();
      return;
    }
    if (this.#current === undefined) {
      this.#cut(endpointId); // nobody shown yet: take the first speaker at once
      return;
    }
    if (endpointId === this.#candidate && this.#timer) return;
    this.#candidate = endpointId;
    this.#clear();
    const due = Math.max(this.#confirmMs, this.#lastCutAt + this.#minHoldMs - this.#now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#candidate === endpointId) this.#cut(endpointId);
    }, due);
  }

  /** The speaker left the room: pick nobody (the layout falls back to the first camera) until the next event. */
  forget(endpointId: string): void {
    if (this.#candidate === endpointId) {
      this.#candidate = undefined;
      this.#clear();
    }
    if (this.#current === endpointId) this.#current = undefined;
  }

  close(): void {
    this.#clear();
  }

  #cut(endpointId: string): void {
    this.#current = endpointId;
    this.#candidate = undefined;
    this.#lastCutAt = this.#now();
    this.#onChange(endpointId);
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

/**
 * CPU cost of each stage job type, in thousandths of one core (millicores), from MEASURED numbers — never guesses.
 * A worker advertises its capacity and defers a job whose cost does not fit in what is left.
 *
 * | Job (role / mode)          | Cost  | Measured by                                                               |
 * |----------------------------|-------|---------------------------------------------------------------------------|
 * | broadcast (encode)         | 640   | bench/media-first-frame.ts: publisher engine, raw 720p30 → VP8 encode: 64 % of a core |
 * | playout (passthrough)      | 50    | bench/media-first-frame.ts: file already VP8, passthrough publish: 5 % of a core |
 * | playout (transcode)        | 640   | same encode figure as broadcast (decode of a 720p file adds little next to VP8 encode) |
 * | clock (countdown → HLS)    | 300   | bench/fleet-clock-cost.ts: this runner's 720p30 countdown → x264 → HLS: 30.1 % of a core |
 *
 * Numbers are per job on the 2-core CI machine (shared). Re-measure with the bench scripts after changing pipelines and
 * update this table; `costOf()` is the only reader.
 */
import { availableParallelism } from 'node:os';
import type { StageRole } from '@stagecast/jobs';

/** bench/fleet-clock-cost.ts, 720p30, 20 s on the shared 2-core machine: 30.1 % of one core. */
export const CLOCK_COST_MILLICORES = 300;

export const stageCostTable: Record<StageRole, { millicores: number; measuredBy: string }> = {
  clock: { millicores: CLOCK_COST_MILLICORES, measuredBy: 'bench/fleet-clock-cost.ts (720p30 countdown → x264 → HLS)' },
  broadcast: { millicores: 640, measuredBy: 'bench/media-first-frame.ts encode: 64 % of a core' },
  playout: { millicores: 50, measuredBy: 'bench/media-first-frame.ts passthrough: 5 % of a core' },
};

export function costOf(role: StageRole): number {
  return stageCostTable[role].millicores;
}

/** The cheapest role's cost: a worker with less free capacity than this cannot take any job, so it does not poll. */
export function cheapestCostMillicores(): number {
  return Math.min(...Object.values(stageCostTable).map((c) => c.millicores));
}

/** Default capacity: 80 % of the machine's cores (headroom for Node, Postgres clients, the OS). */
export function defaultCapacityMillicores(): number {
  return Math.floor(availableParallelism() * 1000 * 0.8);
}

/** Synchronous reserve/release (single-threaded, so check-and-reserve cannot race within a process). */
export class CapacityLedger {
  #used = 0;
  constructor(readonly capacityMillicores: number) {}
  get usedMillicores(): number {
    return this.#used;
  }
  /** Reserves `cost` when it fits; false otherwise (the caller defers the job). */
  tryReserve(cost: number): boolean {
    if (this.#used + cost > this.capacityMillicores) return false;
    this.#used += cost;
    return true;
  }
  release(cost: number): void {
    this.#used = Math.max(0, this.#used - cost);
  }
}

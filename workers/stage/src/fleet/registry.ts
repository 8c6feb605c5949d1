/**
 * Worker registry, leases and the reaper (architecture.md §4: pg-boss 10 has no heartbeat).
 *
 * - Heartbeat: every `heartbeatMs` the worker upserts its `workers` row (capacity, running jobs, clock sync state).
 * - Lease: a running job is `job_records.worker_id = me AND boss_job_id = <my pg-boss job> AND status = running`.
 *   Each tick checks the leases of this worker's jobs; a lost one (stop-stage cancelled it, or a reaper gave it to
 *   another worker) aborts that handler.
 * - Reaper: every worker runs it each tick under a transaction-scoped advisory lock (one reaper at a time fleet-wide).
 *   Workers whose heartbeat is older than `staleMs` by the database clock are marked lost; each of their running jobs
 *   is reassigned to a NEW pg-boss job (Jobs.reassign: the old id is fenced) and its record requeued, all in one
 *   transaction, so any live worker picks it up at once. Their stage rows are marked `stale`.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import {
  createFleetRepository,
  createJobRecordRepository,
  withTransaction,
  type DbHandle,
  type WorkerClockSync,
  type WorkerRunningJob,
} from '@stagecast/db';
import type { Jobs, Logger } from '@stagecast/jobs';
import type { ClockSyncState } from '../clock/clock-sync.js';
import type { CapacityLedger } from '../capacity.js';

export interface RegistryOptions {
  db: DbHandle;
  jobs: Jobs;
  logger: Logger;
  ledger: CapacityLedger;
  kind?: string;
  heartbeatMs?: number;
  staleMs?: number;
  /** Reads the NTP state (src/clock/clock-sync.ts); refreshed every `clockCheckMs`. */
  readClock?: () => Promise<ClockSyncState>;
  clockCheckMs?: number;
}

export interface RunningLease extends WorkerRunningJob {
  abort(reason: 'stopped' | 'lease-lost'): void;
}

export type RegistryState = 'created' | 'active' | 'draining' | 'stopped';

export class WorkerRegistry {
  readonly id: string;
  readonly #opts: Required<Omit<RegistryOptions, 'readClock'>> & Pick<RegistryOptions, 'readClock'>;
  readonly #running = new Map<string, RunningLease>();
  #state: RegistryState = 'created';
  #timer: NodeJS.Timeout | undefined;
  #tick: Promise<void> | undefined;
  #clock: WorkerClockSync | null = null;
  #clockCheckedAt = 0;
  readonly #fleet;
  readonly #records;

  constructor(options: RegistryOptions) {
    this.#opts = { kind: 'stage', heartbeatMs: 2_000, staleMs: 15_000, clockCheckMs: 60_000, ...options };
    this.id = `${this.#opts.kind}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.#fleet = createFleetRepository(options.db.db);
    this.#records = createJobRecordRepository(options.db.db);
  }

  get state(): RegistryState {
    return this.#state;
  }

  runningJobs(): RunningLease[] {
    return [...this.#running.values()];
  }

  add(lease: RunningLease): void {
    this.#running.set(lease.jobRecordId, lease);
  }

  remove(jobRecordId: string): void {
    this.#running.delete(jobRecordId);
  }

  async start(): Promise<void> {
    if (this.#state !== 'created') return;
    this.#state = 'active';
    await this.#beat();
    this.#timer = setInterval(() => {
      this.#tick ??= this.#runTick().finally(() => (this.#tick = undefined));
    }, this.#opts.heartbeatMs);
  }

  /** Stops taking part in reaping but keeps heartbeating (running jobs are still leased) until stop(). */
  async drain(): Promise<void> {
    if (this.#state === 'active') this.#state = 'draining';
    await this.#beat().catch(() => {});
  }

  async stop(): Promise<void> {
    if (this.#state === 'stopped') return;
    this.#state = 'stopped';
    if (this.#timer) clearInterval(this.#timer);
    await this.#tick;
    await this.#beat().catch((error: unknown) =>
      this.#opts.logger.warn({ err: String(error) }, 'final heartbeat failed'),
    );
  }

  async #runTick(): Promise<void> {
    try {
      await this.#beat();
      await this.#checkLeases();
      if (this.#state === 'active') await this.reapOnce();
    } catch (error: unknown) {
      this.#opts.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'heartbeat tick failed');
    }
  }

  async #beat(): Promise<void> {
    if (this.#opts.readClock && Date.now() - this.#clockCheckedAt > this.#opts.clockCheckMs) {
      this.#clockCheckedAt = Date.now();
      const c = await this.#opts.readClock();
      this.#clock = {
        source: c.source,
        synchronized: c.synchronized,
        offsetMs: c.offsetMs,
        maxErrorMs: c.maxErrorMs,
        warning: c.warning,
        checkedAt: c.checkedAt.toISOString(),
      };
      if (c.warning) this.#opts.logger.warn({ clock: this.#clock }, c.warning);
    }
    await this.#fleet.heartbeat({
      id: this.id,
      kind: this.#opts.kind,
      host: hostname(),
      pid: process.pid,
      state: this.#state === 'created' ? 'active' : this.#state,
      capacityMillicores: this.#opts.ledger.capacityMillicores,
      usedMillicores: this.#opts.ledger.usedMillicores,
      runningJobs: this.runningJobs().map(({ abort: _abort, ...job }) => job),
      clockSync: this.#clock,
    });
  }

  async #checkLeases(): Promise<void> {
    const leases = this.runningJobs();
    if (leases.length === 0) return;
    const lost = new Set(
      await this.#records.lostLeases(
        this.id,
        leases.map((l) => ({ id: l.jobRecordId, bossJobId: l.bossJobId })),
      ),
    );
    for (const lease of leases) {
      if (!lost.has(lease.jobRecordId)) continue;
      const record = await this.#records.getById(lease.jobRecordId).catch(() => null);
      const reason = record?.status === 'cancelled' ? 'stopped' : 'lease-lost';
      this.#opts.logger.warn(
        { jobRecordId: lease.jobRecordId, reason, now: record?.workerId },
        'lease lost; aborting job',
      );
      lease.abort(reason);
    }
  }

  /** One reaper pass; returns the reassigned job record ids. Public for tests and the bench. */
  async reapOnce(): Promise<{
    workerIds: string[];
    reassigned: { jobRecordId: string; newBossJobId: string | null }[];
  }> {
    const { staleMs, jobs, logger } = this.#opts;
    return withTransaction(this.#opts.db.pool, async ({ db, sql }) => {
      const { rows } = await sql.executeSql('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS ok', [
        'stagecast:reaper',
      ]);
      if (!(rows[0] as { ok?: boolean } | undefined)?.ok) return { workerIds: [], reassigned: [] };
      const fleet = createFleetRepository(db);
      const records = createJobRecordRepository(db);
      const stale = (await fleet.listStale(staleMs)).filter((w) => w.id !== this.id);
      if (stale.length === 0) return { workerIds: [], reassigned: [] };
      const workerIds = stale.map((w) => w.id);
      const reassigned: { jobRecordId: string; newBossJobId: string | null }[] = [];
      for (const record of await records.listRunningByWorkers(workerIds)) {
        const worker = stale.find((w) => w.id === record.workerId);
        const reason = `worker ${record.workerId} stopped heartbeating (last seen ${worker?.lastSeenAt.toISOString()}); taken over`;
        const newBossJobId =
          record.bossJobId && record.kind === 'run-stage'
            ? await jobs.reassign('run-stage', record.bossJobId, { reason, db: sql })
            : null;
        if (newBossJobId) await records.requeue(record.id, { bossJobId: newBossJobId, reason });
        else await records.markFailed(record.id, `${reason}, but its pg-boss job was no longer active`);
        reassigned.push({ jobRecordId: record.id, newBossJobId });
      }
      await fleet.markStageStale(workerIds, `worker stopped heartbeating; the stage session it ran is stale`);
      await fleet.markLost(workerIds);
      logger.warn({ workerIds, reassigned }, 'reaped stale workers');
      return { workerIds, reassigned };
    });
  }
}

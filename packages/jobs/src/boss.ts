import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import pg from 'pg';
import type { z } from 'zod';
import { JobsError, PermanentJobError, isPermanentJobError } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import {
  isQueueName,
  queueNames,
  queues,
  type PayloadInputOf,
  type PayloadOf,
  type QueueDefinition,
  type QueueName,
} from './queues.js';

/** Structural executor (pg-boss's `db` option): lets callers enqueue inside their own transaction. */
export interface SqlExecutor {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface CreateJobsOptions {
  connectionString: string;
  /** Postgres schema pg-boss owns (created on start). Tests use one per test. Default `pgboss`. */
  schema?: string;
  logger?: Logger;
  /** How often idle workers poll; default 2 s, minimum 0.5 s. */
  pollingIntervalSeconds?: number;
  /** Pool size of pg-boss's own connections; default 5. */
  max?: number;
  /** Longest a job of an `exclusive` queue waits for its key before failing (retryably); default 15 min. */
  exclusiveWaitSeconds?: number;
  /** Per-queue timing overrides (tests shorten retry delays); policy and payload stay fixed. */
  queueOverrides?: Partial<
    Record<
      QueueName,
      Partial<Pick<QueueDefinition<z.ZodType>, 'retryLimit' | 'retryDelaySeconds' | 'retryBackoff' | 'expireInSeconds'>>
    >
  >;
}

export interface SendOptions {
  /** Run no earlier than this instant. */
  startAfter?: Date;
  /** Enqueue inside the caller's transaction (no job without its row, no row without its job). */
  db?: SqlExecutor;
  priority?: number;
}

export interface JobContext {
  jobId: string;
  queue: QueueName;
  /** 1 on the first run, 2 on the first retry, … */
  attempt: number;
  /** Aborted when the Jobs instance stops; handlers should wind down (engines send EOS). */
  signal: AbortSignal;
  logger: Logger;
  /**
   * Refuse this job for now (e.g. no capacity): it goes back to the queue as a new job starting after `delaySeconds`,
   * for any worker to take; no retry is used up. Throws — call it as `throw ctx.defer(…)` or `return ctx.defer(…)`.
   */
  defer(delaySeconds: number, reason: string): never;
}

/** Thrown by JobContext.defer(); work() requeues the job instead of failing it. */
export class JobDeferral extends Error {
  override name = 'JobDeferral';
  constructor(
    readonly delaySeconds: number,
    readonly reason: string,
  ) {
    super(`job deferred by ${delaySeconds} s: ${reason}`);
  }
}

interface Poller {
  id: string;
  queue: QueueName;
  /** offWork(): this poller stops fetching (a running handler finishes). */
  off: AbortController;
  activeJobId?: string;
  done: Promise<void>;
}

function abortableDelay(ms: number, signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    }
    for (const s of signals) {
      if (s.aborted) return done();
      s.addEventListener('abort', done, { once: true });
    }
  });
}

export interface ReassignOptions {
  /** Why; stored in the old job's output. */
  reason: string;
  /** State of the old job: `failed` (its worker died) or `cancelled` (deferred, handed over). Default failed. */
  oldState?: 'failed' | 'cancelled';
  /** When the new job may start; default now. */
  startAfter?: Date;
  /** Run inside the caller's transaction. */
  db?: SqlExecutor;
}

export type JobHandler<Q extends QueueName> = (payload: PayloadOf<Q>, context: JobContext) => Promise<void>;

export interface WorkOptions {
  pollingIntervalSeconds?: number;
  /**
   * When the queue stops (SIGTERM drain) while a handler runs and the handler then fails or is aborted, put the job
   * back for another worker right away (a new job; the old one is cancelled) instead of a retry with backoff.
   * Default true.
   */
  handoverOnStop?: boolean;
  /** Called after a permanent failure was recorded (e.g. to mark the job record failed). Errors here are logged. */
  onPermanentFailure?: (error: PermanentJobError, context: JobContext, rawPayload: unknown) => Promise<void> | void;
  /**
   * Asked before every poll; false skips it (a stage worker with no capacity left must not take jobs it would only
   * defer). Default: always fetch.
   */
  canFetch?: () => boolean;
}

export interface Jobs {
  /** Validates the payload and enqueues it; null when the queue policy dropped it (e.g. a duplicate stop-stage). */
  send<Q extends QueueName>(queue: Q, payload: PayloadInputOf<Q>, options?: SendOptions): Promise<string | null>;
  /**
   * Ends an *active* job and enqueues a copy of it as a new job (new id, same payload, singleton key and retry
   * settings) in one statement. The new id fences the old run: pg-boss's complete()/fail() for the old id become
   * no-ops, so a worker that lost its lease cannot finish or fail the job another worker now runs. Returns the new id,
   * or null when the job was not active any more. Used for dead-worker takeover, drain handover and defer.
   */
  reassign(queue: QueueName, jobId: string, options: ReassignOptions): Promise<string | null>;
  /** Cancels queued jobs (planned jobs replaced or dropped by re-planning); returns how many were cancelled. */
  cancel(queue: QueueName, jobIds: string[], options?: { db?: SqlExecutor }): Promise<number>;
  /** Starts a worker; returns its id. Payloads are parsed with the queue's schema before the handler sees them. */
  work<Q extends QueueName>(queue: Q, handler: JobHandler<Q>, options?: WorkOptions): Promise<string>;
  /** Stops taking jobs of a queue (running handlers finish). */
  offWork(queue: QueueName): Promise<void>;
  /** The underlying pg-boss instance, for inspection (getJobById) and admin tooling. */
  readonly boss: PgBoss;
  readonly schema: string;
  /** Stops workers (handlers see `signal` aborted), waits up to `timeoutMs`, closes the pool; idempotent. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

function parsePayload<Q extends QueueName>(queue: Q, payload: unknown): PayloadOf<Q> {
  const result = (queues[queue].payload as z.ZodType).safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ');
    throw new PermanentJobError(
      'invalid-payload',
      `invalid ${queue} payload (${problems}); fix the sender, this job will not be retried`,
      {
        cause: result.error,
      },
    );
  }
  return result.data as PayloadOf<Q>;
}

function errorOutput(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const reason = (error as { reason?: unknown }).reason;
    return {
      name: error.name,
      message: error.message,
      permanent: isPermanentJobError(error),
      ...(typeof reason === 'string' ? { reason } : {}),
    };
  }
  return { name: 'Error', message: String(error), permanent: false };
}

/**
 * Typed pg-boss 10 over our queue catalogue. Starts pg-boss (creating its schema), creates or updates every queue with
 * its policy, and wires `boss.on('error')` before start so maintenance errors are logged, never unhandled.
 *
 * Permanent failures: pg-boss 10 retries per queue, with no per-error switch. When a handler throws PermanentJobError
 * (or the payload fails to parse), work() first sets this job's `retry_limit` to its `retry_count` and then rethrows;
 * pg-boss's own fail() then sees no retries left and moves the job to `failed` (and to the queue's dead letter, if any).
 * That is the single mechanism; the job's output carries `{ permanent: true, reason, message }`.
 */
export async function createJobs(options: CreateJobsOptions): Promise<Jobs> {
  const schema = options.schema ?? 'pgboss';
  if (!schemaPattern.test(schema)) {
    throw new JobsError('unavailable', `invalid pg-boss schema name '${schema}': use lower-case letters, digits and _`);
  }
  const logger = (options.logger ?? silentLogger).child({ module: 'jobs', schema });
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema,
    max: options.max ?? 5,
    application_name: 'stagecast-jobs',
    ...(options.pollingIntervalSeconds === undefined ? {} : { pollingIntervalSeconds: options.pollingIntervalSeconds }),
  });
  boss.on('error', (error: unknown) => {
    logger.error({ err: errorOutput(error) }, 'pg-boss reported an error');
  });

  try {
    await boss.start();
  } catch (error: unknown) {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    throw new JobsError(
      'unavailable',
      `could not start the job queue in schema '${schema}': ${error instanceof Error ? error.message : String(error)}; is Postgres up ('bash scripts/services/postgres.sh start') and DATABASE_URL right?`,
      { cause: error },
    );
  }

  for (const name of queueNames) {
    const q = { ...queues[name], ...options.queueOverrides?.[name] };
    const config = {
      name,
      policy: q.policy,
      retryLimit: q.retryLimit,
      retryDelay: q.retryDelaySeconds,
      retryBackoff: q.retryBackoff,
      expireInSeconds: q.expireInSeconds,
    };
    // createQueue fails on an existing name; update keeps the catalogue authoritative across deploys.
    if (await boss.getQueue(name)) await boss.updateQueue(name, config);
    else {
      try {
        await boss.createQueue(name, config);
      } catch (error: unknown) {
        if (!(await boss.getQueue(name))) throw error;
        await boss.updateQueue(name, config);
      }
    }
  }

  const stopController = new AbortController();
  // Dedicated sessions for advisory locks (a lock belongs to a connection, so pg-boss's pool cannot hold it).
  const lockPool = new pg.Pool({
    connectionString: options.connectionString,
    max: 10,
    application_name: 'stagecast-jobs-locks',
  });
  lockPool.on('error', (error) => logger.warn({ err: errorOutput(error) }, 'idle lock connection failed'));

  /** Waits for the key's advisory lock; returns the release function. Rejects on timeout or stop (retryable). */
  async function acquireExclusive(queue: QueueName, key: string, signal: AbortSignal): Promise<() => Promise<void>> {
    const client = await lockPool.connect();
    const lockKey = `stagecast:${schema}:${queue}:${key}`;
    const deadline = Date.now() + (options.exclusiveWaitSeconds ?? 15 * 60) * 1000;
    try {
      for (;;) {
        const { rows } = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok',
          [lockKey],
        );
        if (rows[0]?.ok) {
          return async () => {
            try {
              await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [lockKey]);
            } finally {
              client.release();
            }
          };
        }
        if (signal.aborted) throw new Error(`stopped while waiting for ${queue} ${key} to be free`);
        if (Date.now() >= deadline) throw new Error(`${key} stayed busy with another ${queue} job; will retry`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } catch (error: unknown) {
      client.release();
      throw error;
    }
  }
  const pollers = new Map<string, Poller>();
  /**
   * Per queue: until when this instance leaves the queue to other workers because it just deferred a job. Without it
   * the deferring process (all its pollers share one phase) can win every fetch race for the job it cannot carry and
   * starve a worker that could (seen in CI: a job queued 60 s next to an idle worker).
   */
  const yieldUntil = new Map<QueueName, number>();

  /** One fetch-run-settle loop (pg-boss's own `work()` cannot skip a poll, which capacity gating and yielding need). */
  async function pollLoop(
    poller: Poller,
    intervalMs: number,
    workOptions: WorkOptions,
    handler: JobHandler<QueueName>,
  ): Promise<void> {
    const { queue } = poller;
    while (!poller.off.signal.aborted && !stopController.signal.aborted) {
      let fetched: PgBoss.JobWithMetadata<object> | undefined;
      if (Date.now() >= (yieldUntil.get(queue) ?? 0) && (workOptions.canFetch?.() ?? true)) {
        try {
          [fetched] = await boss.fetch<object>(queue, { batchSize: 1, includeMetadata: true });
        } catch (error: unknown) {
          logger.error({ queue, err: errorOutput(error) }, 'fetching a job failed; polling again');
        }
      }
      if (fetched && (poller.off.signal.aborted || stopController.signal.aborted)) {
        // Fetched while stopping (the poll was already in flight): give it straight back instead of starting it.
        await reassign(queue, fetched.id, { reason: 'worker stopping: handed over', oldState: 'cancelled' }).catch(
          (error: unknown) => logger.error({ queue, jobId: fetched.id, err: errorOutput(error) }, 'hand-back failed'),
        );
        break;
      }
      if (fetched) {
        poller.activeJobId = fetched.id;
        try {
          await settle(queue, fetched, handler, workOptions, intervalMs);
        } catch (error: unknown) {
          logger.error({ queue, jobId: fetched.id, err: errorOutput(error) }, 'recording a job result failed');
        } finally {
          poller.activeJobId = undefined;
        }
        continue; // more may be waiting: poll again at once
      }
      await abortableDelay(intervalMs, [poller.off.signal, stopController.signal]);
    }
  }

  /** Runs one fetched job and records its outcome: completed, failed (pg-boss retries) or reassigned. */
  async function settle(
    queue: QueueName,
    job: PgBoss.JobWithMetadata<object>,
    handler: JobHandler<QueueName>,
    workOptions: WorkOptions,
    intervalMs: number,
  ): Promise<void> {
    const context: JobContext = {
      jobId: job.id,
      queue,
      attempt: job.retryCount + 1,
      signal: stopController.signal,
      logger: logger.child({ queue, jobId: job.id }),
      defer(delaySeconds, reason) {
        throw new JobDeferral(delaySeconds, reason);
      },
    };
    let release: (() => Promise<void>) | undefined;
    let expiry: NodeJS.Timeout | undefined;
    try {
      const payload = parsePayload(queue, job.data);
      const definition = queues[queue] as { exclusive?: boolean; singletonKey?: (p: unknown) => string };
      if (definition.exclusive && definition.singletonKey) {
        release = await acquireExclusive(queue, definition.singletonKey(payload), stopController.signal);
      }
      // Same bound as pg-boss's work(): a handler running past the job's expiry fails it (and pg-boss retries).
      const expireMs = Math.max(1, Number(job.expireInSeconds)) * 1000;
      await Promise.race([
        handler(payload, context),
        new Promise<never>((_, reject) => {
          expiry = setTimeout(() => reject(new Error(`handler execution exceeded ${expireMs}ms`)), expireMs);
        }),
      ]);
      await boss.complete(queue, job.id);
    } catch (error: unknown) {
      if (error instanceof JobDeferral) {
        const startAfter = new Date(Date.now() + Math.max(0, error.delaySeconds) * 1000);
        // Let the other workers' pollers at it first: two of this worker's polling intervals after it is due, and at
        // least 3 s (other workers may poll less often).
        const margin = Math.max(3_000, 2 * intervalMs + 500);
        yieldUntil.set(queue, Math.max(yieldUntil.get(queue) ?? 0, startAfter.getTime() + margin));
        const newId = await reassign(queue, job.id, {
          reason: `deferred: ${error.reason}`,
          oldState: 'cancelled',
          startAfter,
        });
        context.logger.info(
          { newJobId: newId, delaySeconds: error.delaySeconds, reason: error.reason },
          'job deferred',
        );
        return;
      }
      if (stopController.signal.aborted && workOptions.handoverOnStop !== false && !isPermanentJobError(error)) {
        const newId = await reassign(queue, job.id, { reason: 'worker stopping: handed over', oldState: 'cancelled' });
        context.logger.info({ newJobId: newId, err: errorOutput(error) }, 'job handed over while stopping');
        return;
      }
      if (isPermanentJobError(error)) {
        context.logger.error({ err: errorOutput(error) }, 'job failed permanently; not retrying');
        await disableRetries(queue, job.id);
        try {
          await workOptions.onPermanentFailure?.(error, context, job.data);
        } catch (hookError: unknown) {
          context.logger.error({ err: errorOutput(hookError) }, 'onPermanentFailure hook threw');
        }
      } else {
        context.logger.warn(
          { err: errorOutput(error), attempt: context.attempt },
          'job failed; pg-boss retries per queue policy',
        );
      }
      // pg-boss stores a plain object as the job output.
      await boss.fail(queue, job.id, errorOutput(error));
    } finally {
      clearTimeout(expiry);
      await release?.();
    }
  }
  let stopping: Promise<void> | undefined;

  async function disableRetries(queue: QueueName, jobId: string): Promise<void> {
    await boss
      .getDb()
      .executeSql(`UPDATE ${schema}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2`, [queue, jobId]);
  }

  async function reassign(queue: QueueName, jobId: string, reassignOptions: ReassignOptions): Promise<string | null> {
    const executor: SqlExecutor = reassignOptions.db ?? boss.getDb();
    const output = { reassigned: true, reason: reassignOptions.reason };
    // One statement, so no instant exists where the job is neither active nor queued.
    const { rows } = await executor.executeSql(
      `WITH old AS (
         UPDATE ${schema}.job SET state = $3::${schema}.job_state, completed_on = now(), output = $4::jsonb
         WHERE name = $1 AND id = $2::uuid AND state = 'active'
         RETURNING *
       )
       INSERT INTO ${schema}.job (name, priority, data, state, retry_limit, retry_count, retry_delay, retry_backoff,
                                  start_after, singleton_key, expire_in, keep_until, dead_letter, policy)
       SELECT name, priority, data, 'created', retry_limit, retry_count, retry_delay, retry_backoff,
              COALESCE($5::timestamptz, now()), singleton_key, expire_in,
              GREATEST(keep_until, COALESCE($5::timestamptz, now()) + interval '1 day'), dead_letter, policy
       FROM old
       RETURNING id`,
      [
        queue,
        jobId,
        reassignOptions.oldState ?? 'failed',
        JSON.stringify(output),
        reassignOptions.startAfter?.toISOString() ?? null,
      ],
    );
    const newId = (rows[0] as { id?: string } | undefined)?.id ?? null;
    logger.info({ queue, jobId, newJobId: newId, reason: reassignOptions.reason }, 'job reassigned');
    return newId;
  }

  const jobs: Jobs = {
    boss,
    schema,
    reassign,

    async cancel(queue, jobIds, cancelOptions = {}) {
      if (jobIds.length === 0) return 0;
      const executor: SqlExecutor = cancelOptions.db ?? boss.getDb();
      const { rows } = await executor.executeSql(
        `WITH c AS (UPDATE ${schema}.job SET state = 'cancelled', completed_on = now()
                    WHERE name = $1 AND id = ANY($2::uuid[]) AND state < 'active' RETURNING 1)
         SELECT count(*)::int AS n FROM c`,
        [queue, jobIds],
      );
      return (rows[0] as { n: number } | undefined)?.n ?? 0;
    },

    async send(queue, payload, sendOptions = {}) {
      if (!isQueueName(queue))
        throw new JobsError('unknown-queue', `unknown queue '${String(queue)}'; known: ${queueNames.join(', ')}`);
      if (stopping) throw new JobsError('stopped', `cannot send to ${queue}: the job queue is stopped`);
      let parsed: PayloadOf<typeof queue>;
      try {
        parsed = parsePayload(queue, payload);
      } catch (error: unknown) {
        throw new JobsError(
          'invalid-payload',
          (error as Error).message.replace('; fix the sender, this job will not be retried', ''),
          { cause: error },
        );
      }
      const definition = queues[queue] as { singletonKey?: (p: unknown) => string };
      const id = await boss.send(queue, parsed as object, {
        ...(definition.singletonKey ? { singletonKey: definition.singletonKey(parsed) } : {}),
        ...(sendOptions.startAfter ? { startAfter: sendOptions.startAfter } : {}),
        ...(sendOptions.priority === undefined ? {} : { priority: sendOptions.priority }),
        ...(sendOptions.db ? { db: sendOptions.db as PgBoss.Db } : {}),
      });
      logger.debug({ queue, jobId: id }, id ? 'job sent' : 'job dropped by queue policy');
      return id;
    },

    async work(queue, handler, workOptions = {}) {
      if (!isQueueName(queue))
        throw new JobsError('unknown-queue', `unknown queue '${String(queue)}'; known: ${queueNames.join(', ')}`);
      if (stopping) throw new JobsError('stopped', `cannot work ${queue}: the job queue is stopped`);
      const intervalMs =
        Math.max(0.5, workOptions.pollingIntervalSeconds ?? options.pollingIntervalSeconds ?? 2) * 1000;
      const poller: Poller = { id: randomUUID(), queue, off: new AbortController(), done: Promise.resolve() };
      pollers.set(poller.id, poller);
      poller.done = pollLoop(poller, intervalMs, workOptions, handler as JobHandler<QueueName>).finally(() =>
        pollers.delete(poller.id),
      );
      return poller.id;
    },

    async offWork(queue) {
      for (const poller of pollers.values()) if (poller.queue === queue) poller.off.abort();
    },

    stop(stopOptions = {}) {
      stopping ??= (async () => {
        stopController.abort(new JobsError('stopped', 'the job queue is stopping'));
        // Running handlers see the signal and wind down (drain hands their jobs over); wait for them, bounded.
        const timeoutMs = stopOptions.timeoutMs ?? 30_000;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...pollers.values()].map((p) => p.done)),
          new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
        ]);
        clearTimeout(timer);
        const stuck = [...pollers.values()].filter((p) => p.activeJobId !== undefined);
        for (const p of stuck) {
          await boss
            .fail(p.queue, p.activeJobId!, {
              name: 'Error',
              message: `worker stopped while the job was still running after ${timeoutMs} ms`,
              permanent: false,
            })
            .catch(() => {});
        }
        await boss.stop({ graceful: true, wait: true, timeout: 1_000 });
        await lockPool.end();
      })();
      return stopping;
    },
  };
  return jobs;
}

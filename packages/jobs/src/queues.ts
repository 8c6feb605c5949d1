import type { z } from 'zod';
import { runStagePayloadSchema } from './payloads/run-stage.schema.js';
import { stopStagePayloadSchema } from './payloads/stop-stage.schema.js';
import { syncSchedulePayloadSchema } from './payloads/sync-schedule.schema.js';

/** Queue names are kebab-case verb-noun, e.g. run-stage. Anchored so `x-run-stage-y` or `Run-Stage` fail. */
export const queueNamePattern = /^[a-z]+-[a-z]+(?:-[a-z]+)*$/;

export function assertQueueName(name: string): void {
  if (!queueNamePattern.test(name)) {
    throw new Error(
      `invalid queue name '${name}': use kebab-case verb-noun such as 'run-stage' (defined in @stagecast/jobs queues.ts)`,
    );
  }
}

/**
 * pg-boss 10 policies (per queue, fixed at creation):
 * - `standard`: no limits.
 * - `short`: at most one queued per singletonKey (duplicates are dropped: send() returns null).
 * - `singleton`/`stately` limit *active* jobs per key with a unique index, but pg-boss 10's fetch does not skip keys that
 *   are already active: the oldest queued job of a busy key makes every fetch fail, blocking all other keys
 *   (head-of-line). We therefore never use them; per-key exclusivity is `exclusive` below, enforced by work().
 */
export type QueuePolicy = 'standard' | 'short' | 'singleton' | 'stately';

export interface QueueDefinition<S extends z.ZodType> {
  name: string;
  payload: S;
  policy: QueuePolicy;
  /** Retries after the first attempt; permanent errors are never retried (see boss.ts). */
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  /** Longest a job may stay active before pg-boss fails it; must exceed the longest legitimate run. */
  expireInSeconds: number;
  /** Key derived from the payload: the unit (room, conference) for the `short` dedup and for `exclusive`. */
  singletonKey?: (payload: z.infer<S>) => string;
  /**
   * At most one running handler per singletonKey across all workers: work() holds a Postgres advisory lock on the key
   * for the handler's duration (released by Postgres if the worker dies). A job whose key is busy waits in its worker
   * slot (up to exclusiveWaitSeconds, then fails retryably), so run enough workers for the rooms you serve.
   */
  exclusive?: boolean;
}

function defineQueue<S extends z.ZodType>(definition: QueueDefinition<S>): QueueDefinition<S> {
  assertQueueName(definition.name);
  return definition;
}

export const queues = {
  'sync-schedule': defineQueue({
    name: 'sync-schedule',
    payload: syncSchedulePayloadSchema,
    // One import per conference queued and one running; a second click while one waits is dropped.
    policy: 'short',
    exclusive: true,
    retryLimit: 3,
    retryDelaySeconds: 30,
    retryBackoff: true,
    expireInSeconds: 5 * 60,
    singletonKey: (p) => `conference:${p.conferenceId}`,
  }),
  'run-stage': defineQueue({
    name: 'run-stage',
    payload: runStagePayloadSchema,
    // A room can have many talks planned ahead, but only one job per role may run in it at a time.
    policy: 'standard',
    exclusive: true,
    // Takeovers after a dead worker and drain handovers are new jobs (see Jobs.reassign), not retries.
    retryLimit: 2,
    retryDelaySeconds: 10,
    retryBackoff: true,
    // Longer than any talk slot; dead workers are detected by our own lease, not by expiry (architecture.md §4).
    expireInSeconds: 6 * 60 * 60,
    singletonKey: (p) => `room:${p.roomId}:${p.role}`,
  }),
  'stop-stage': defineQueue({
    name: 'stop-stage',
    payload: stopStagePayloadSchema,
    // Repeated stop requests for a room collapse into one.
    policy: 'short',
    retryLimit: 3,
    retryDelaySeconds: 5,
    retryBackoff: false,
    expireInSeconds: 2 * 60,
    singletonKey: (p) => `room:${p.roomId}:${p.role ?? 'all'}`,
  }),
} as const;

export type QueueName = keyof typeof queues;
export type PayloadOf<Q extends QueueName> = z.infer<(typeof queues)[Q]['payload']>;
/** What send() accepts: the schema's input (fields with defaults may be left out). */
export type PayloadInputOf<Q extends QueueName> = z.input<(typeof queues)[Q]['payload']>;
export const queueNames = Object.keys(queues) as QueueName[];

export function isQueueName(value: string): value is QueueName {
  return Object.hasOwn(queues, value);
}

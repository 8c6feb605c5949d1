import type { Logger, StageRole } from '@stagecast/jobs';

/** What a runner knows about the job it runs (parsed payload plus the room's settings). */
export interface StageJob {
  jobRecordId: string;
  bossJobId: string;
  roomId: string;
  talkId: string | null;
  role: StageRole;
  /** The talk's start T (epoch ms). */
  startsAtMs: number;
  durationSeconds: number;
  /** When the role leaves (epoch ms); the handler aborts `signal` with reason 'finished' then. */
  runUntilMs: number;
  talk: { title: string; speakers: string[] } | null;
  room: { slug: string; name: string; meetingUrl: string | null };
  conferenceTimeZone: string;
  /** Attempt number of this job record (> 1 after a takeover or retry). */
  attempt: number;
}

export interface StageStatusReport {
  state?: 'starting' | 'running' | 'stopping';
  stats?: Record<string, unknown>;
  /** Shown in the admin's live control; null clears it, undefined leaves it. */
  lastError?: string | null;
}

export interface StageRunContext {
  /** Aborted when the role must leave: reason 'finished' (runUntil reached), 'stopped' (stop-stage), 'lease-lost', or the worker draining. */
  signal: AbortSignal;
  logger: Logger;
  /** Writes the room role's status row for the admin UI (throttled by the caller if needed). */
  reportStatus(report: StageStatusReport): Promise<void>;
}

/**
 * One stage role. `run` resolves when the role has left cleanly (outputs closed: EOS sent, playlists ended) after
 * `signal` aborted, or throws a StageError. It must not resolve early on its own unless its work is complete.
 */
export interface StageRunner {
  readonly role: StageRole;
  run(job: StageJob, context: StageRunContext): Promise<void>;
}

export type StageRunnerRegistry = ReadonlyMap<StageRole, StageRunner>;

export type StageErrorReason = 'missing-dependency' | 'pipeline-failed' | 'invalid-job' | 'join-failed';

export class StageError extends Error {
  override name = 'StageError';
  readonly code: string;
  constructor(
    readonly reason: StageErrorReason,
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = `stage:${reason}`;
  }

  /** A part of the stage this build does not have yet; retrying cannot help, so the job fails permanently. */
  static missingDependency(role: StageRole, what: string): StageError {
    return new StageError(
      'missing-dependency',
      `the ${role} role needs ${what}, which is not wired into workers/stage yet; the job fails instead of pretending`,
      true,
    );
  }
}

export function createRunnerRegistry(runners: readonly StageRunner[]): StageRunnerRegistry {
  const map = new Map<StageRole, StageRunner>();
  for (const r of runners) {
    if (map.has(r.role)) throw new Error(`two runners registered for role '${r.role}'`);
    map.set(r.role, r);
  }
  return map;
}

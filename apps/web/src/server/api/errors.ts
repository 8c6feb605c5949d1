import { DbError } from '@stagecast/db';
import { JobsError } from '@stagecast/jobs';
import { PlanImportError, RoomMappingError, ScheduleParseError } from '@stagecast/schedule';
import { TRPCError } from '@trpc/server';
import { AuthError } from '../auth/errors.js';
import { AdminError } from '../admin/errors.js';
import { LiveControlError } from './routers/live/live.errors.js';

/**
 * The one place where domain errors become transport errors (architecture.md §4). Packages never import tRPC; they
 * throw typed errors with a `reason`, and this table decides the HTTP-facing code and whether the message is safe to
 * show (domain messages say what to do and carry no secrets; unknown failures get a generic text).
 */
const dbCodes: Record<DbError['reason'], TRPCError['code']> = {
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  'invalid-input': 'BAD_REQUEST',
  'invalid-reference': 'BAD_REQUEST',
  'stale-state': 'CONFLICT',
  unavailable: 'SERVICE_UNAVAILABLE',
  'migration-failed': 'SERVICE_UNAVAILABLE',
  unknown: 'INTERNAL_SERVER_ERROR',
};

const authCodes: Record<AuthError['reason'], TRPCError['code']> = {
  'invalid-credentials': 'UNAUTHORIZED',
  'rate-limited': 'TOO_MANY_REQUESTS',
  unauthenticated: 'UNAUTHORIZED',
  'session-expired': 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  'csrf-rejected': 'FORBIDDEN',
};

const jobsCodes: Record<JobsError['reason'], TRPCError['code']> = {
  'invalid-payload': 'BAD_REQUEST',
  'unknown-queue': 'BAD_REQUEST',
  'not-started': 'SERVICE_UNAVAILABLE',
  stopped: 'SERVICE_UNAVAILABLE',
  unavailable: 'SERVICE_UNAVAILABLE',
};

const GENERIC_MESSAGE = 'unexpected server error; the details are in the server log';

/**
 * `instanceof` plus a structural fallback: Next's webpack build may bundle a module once per layer (route handlers,
 * server components), so an error class from one copy is not `instanceof` the other's.
 */
function isNamedError<T extends Error>(
  error: unknown,
  type: abstract new (...args: never[]) => T,
  name: string,
): error is T {
  return (
    error instanceof type ||
    (error instanceof Error && error.name === name && typeof (error as { reason?: unknown }).reason === 'string')
  );
}

/** Maps anything a handler threw to a TRPCError; existing TRPCErrors pass through untouched. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (isNamedError(error, DbError, 'DbError')) {
    const code = dbCodes[error.reason];
    return new TRPCError({
      code,
      message: code === 'INTERNAL_SERVER_ERROR' ? GENERIC_MESSAGE : error.message,
      cause: error,
    });
  }
  if (isNamedError(error, AuthError, 'AuthError'))
    return new TRPCError({ code: authCodes[error.reason], message: error.message, cause: error });
  if (isNamedError(error, AdminError, 'AdminError')) {
    return new TRPCError({
      code: error.reason === 'not-found' ? 'NOT_FOUND' : 'BAD_REQUEST',
      message: error.message,
      cause: error,
    });
  }
  // The room's state does not allow the control now (no running playout); the message says what to do.
  if (isNamedError(error, LiveControlError, 'LiveControlError'))
    return new TRPCError({ code: 'CONFLICT', message: error.message, cause: error });
  if (isNamedError(error, JobsError, 'JobsError')) {
    const code = jobsCodes[error.reason];
    return new TRPCError({
      code,
      message: code === 'BAD_REQUEST' ? error.message : 'the job queue is unavailable; check the database and retry',
      cause: error,
    });
  }
  // Schedule documents and mappings are the caller's input: their messages name the line and the fix.
  if (
    isNamedError(error, ScheduleParseError, 'ScheduleParseError') ||
    isNamedError(error, RoomMappingError, 'RoomMappingError') ||
    isNamedError(error, PlanImportError, 'PlanImportError')
  ) {
    return new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: GENERIC_MESSAGE, cause: error });
}

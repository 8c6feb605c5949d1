import { DbError } from '@stagecast/db';
import { TRPCError } from '@trpc/server';

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

const GENERIC_MESSAGE = 'unexpected server error; the details are in the server log';

/** Maps anything a handler threw to a TRPCError; existing TRPCErrors pass through untouched. */
export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof DbError) {
    const code = dbCodes[error.reason];
    return new TRPCError({
      code,
      message: code === 'INTERNAL_SERVER_ERROR' ? GENERIC_MESSAGE : error.message,
      cause: error,
    });
  }
  return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: GENERIC_MESSAGE, cause: error });
}

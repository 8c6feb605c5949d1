/**
 * Database errors with a machine-readable `reason`. Repositories convert driver errors here (the only place that knows
 * Postgres SQLSTATE codes), so callers (tRPC middleware, workers) map reasons, never driver codes.
 */

export type DbErrorReason =
  | 'not-found'
  | 'conflict'
  | 'invalid-input'
  | 'invalid-reference'
  | 'stale-state'
  | 'unavailable'
  | 'migration-failed'
  | 'unknown';

export class DbError extends Error {
  override name = 'DbError';
  readonly code: string;
  constructor(
    readonly reason: DbErrorReason,
    message: string,
    options?: { cause?: unknown; constraint?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = `db:${reason}`;
    this.constraint = options?.constraint;
  }
  readonly constraint: string | undefined;

  static notFound(entity: string, key: string): DbError {
    return new DbError('not-found', `${entity} ${key} does not exist; check the identifier or create it first`);
  }

  static staleState(entity: string, key: string, expected: string): DbError {
    return new DbError(
      'stale-state',
      `${entity} ${key} is no longer ${expected}; another process changed it first — reload and decide again`,
    );
  }

  static invalidInput(entity: string, problem: string, cause?: unknown): DbError {
    return new DbError('invalid-input', `invalid ${entity}: ${problem}`, { cause });
  }
}

interface PgDriverError {
  code: string;
  constraint?: string;
  detail?: string;
  message: string;
}

function isPgDriverError(value: unknown): value is PgDriverError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** Finds the driver error in a cause chain (drizzle-orm wraps pg errors in DrizzleQueryError). */
function findPgError(error: unknown): PgDriverError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth += 1) {
    if (isPgDriverError(current) && /^[0-9A-Z]{5}$/.test(current.code)) return current;
    if (isPgDriverError(current) && ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET'].includes(current.code)) {
      return current;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Converts anything thrown by a query into a DbError; `entity` names what was written, for the message. */
export function toDbError(error: unknown, entity: string): DbError {
  if (error instanceof DbError) return error;
  const pg = findPgError(error);
  const constraint = pg?.constraint;
  switch (pg?.code) {
    case '23505': // unique_violation
      return new DbError(
        'conflict',
        `${entity} already exists (${constraint ?? 'unique constraint'}); use another key or update the existing one`,
        { cause: error, constraint },
      );
    case '23503': // foreign_key_violation
      return new DbError(
        'invalid-reference',
        `${entity} refers to a row that does not exist (${constraint ?? 'foreign key'}); create the referenced row first`,
        { cause: error, constraint },
      );
    case '23514': // check_violation
    case '23502': // not_null_violation
    case '22P02': // invalid_text_representation (e.g. a malformed uuid)
    case '22007': // invalid_datetime_format
    case '22008': // datetime_field_overflow
      return new DbError('invalid-input', `invalid ${entity}: ${pg.message}`, { cause: error, constraint });
    case '42P01': // undefined_table
      return new DbError(
        'migration-failed',
        `table for ${entity} is missing; run migrations ('npm run migrate -w @stagecast/db')`,
        { cause: error },
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'ETIMEDOUT':
    case 'ECONNRESET':
    case '57P01': // admin_shutdown
    case '53300': // too_many_connections
      return new DbError(
        'unavailable',
        `database unavailable (${pg.code}); start it with 'bash scripts/services/postgres.sh start' and check DATABASE_URL`,
        { cause: error },
      );
    default:
      return new DbError('unknown', `${entity}: unexpected database error${pg ? ` (${pg.code})` : ''}`, {
        cause: error,
      });
  }
}

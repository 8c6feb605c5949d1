import { describe, expect, it } from 'vitest';
import { DbError, toDbError } from './errors.js';

function pgError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`pg ${code}`), { code, ...extra });
}

describe('toDbError', () => {
  it('maps unique violations (also wrapped by drizzle) to conflict with the constraint', () => {
    const wrapped = new Error('Failed query', { cause: pgError('23505', { constraint: 'conferences_slug_unique' }) });
    const error = toDbError(wrapped, "conference 'x'");
    expect(error.reason).toBe('conflict');
    expect(error.constraint).toBe('conferences_slug_unique');
    expect(error.code).toBe('db:conflict');
    expect(error.cause).toBe(wrapped);
  });

  it.each([
    ['23503', 'invalid-reference'],
    ['23514', 'invalid-input'],
    ['22P02', 'invalid-input'],
    ['42P01', 'migration-failed'],
    ['ECONNREFUSED', 'unavailable'],
    ['XX000', 'unknown'],
  ] as const)('maps %s to %s', (code, reason) => {
    expect(toDbError(pgError(code), 'thing').reason).toBe(reason);
  });

  it('passes DbError through and treats non-errors as unknown', () => {
    const original = DbError.notFound('room', 'r1');
    expect(toDbError(original, 'room')).toBe(original);
    expect(toDbError('boom', 'room').reason).toBe('unknown');
  });
});

import { DbError } from '@stagecast/db';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { toTRPCError } from './errors.js';
import { createCaller } from './root.js';
import { createFakeContext } from './testing/fake-context.js';

describe('toTRPCError', () => {
  it.each([
    ['not-found', 'NOT_FOUND'],
    ['conflict', 'CONFLICT'],
    ['invalid-input', 'BAD_REQUEST'],
    ['invalid-reference', 'BAD_REQUEST'],
    ['stale-state', 'CONFLICT'],
    ['unavailable', 'SERVICE_UNAVAILABLE'],
    ['migration-failed', 'SERVICE_UNAVAILABLE'],
  ] as const)('maps DbError(%s) to %s and keeps its fix-it message', (reason, code) => {
    const error = toTRPCError(new DbError(reason, `problem ${reason}; do this`));
    expect(error.code).toBe(code);
    expect(error.message).toBe(`problem ${reason}; do this`);
    expect(error.cause).toBeInstanceOf(DbError);
  });

  it('hides messages of unknown failures, which may quote SQL or internals', () => {
    expect(toTRPCError(new DbError('unknown', 'select * from secrets failed')).message).not.toContain('secrets');
    const plain = toTRPCError(new Error('postgres://u:pw@h/db exploded'));
    expect(plain.code).toBe('INTERNAL_SERVER_ERROR');
    expect(plain.message).not.toContain('pw');
  });

  it('passes TRPCErrors through unchanged', () => {
    const original = new TRPCError({ code: 'FORBIDDEN', message: 'no' });
    expect(toTRPCError(original)).toBe(original);
  });
});

describe('domain error middleware', () => {
  it('maps repository errors for callers and logs server faults with the redacted cause', async () => {
    const ctx = createFakeContext({
      repositoryError: new DbError(
        'unavailable',
        "database unavailable (ECONNREFUSED); start it with 'bash scripts/services/postgres.sh start'",
        {
          cause: new Error('connect ECONNREFUSED postgres://stagecast:topsecret@127.0.0.1:5432/x'),
        },
      ),
    });
    const error = await createCaller(ctx)
      .conference.list()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('postgres.sh start') });
    const line = ctx.logLines.find((entry) => entry.msg === 'tRPC query conference.list failed: SERVICE_UNAVAILABLE');
    expect(line).toMatchObject({ level: 50, path: 'conference.list', code: 'SERVICE_UNAVAILABLE' });
    expect(JSON.stringify(ctx.logLines)).not.toContain('topsecret');
  });

  it('logs caller mistakes as one info line without a stack', async () => {
    const ctx = createFakeContext();
    await createCaller(ctx)
      .conference.bySlug({ slug: 'missing' })
      .catch(() => undefined);
    expect(ctx.logLines).toHaveLength(1);
    expect(ctx.logLines[0]).toMatchObject({ level: 30, code: 'NOT_FOUND' });
    expect(ctx.logLines[0]).not.toHaveProperty('err');
  });
});

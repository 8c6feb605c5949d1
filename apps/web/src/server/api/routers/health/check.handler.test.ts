import { describe, expect, it } from 'vitest';
import { createCaller } from '../../root.js';
import { createFakeContext } from '../../testing/fake-context.js';
import { checkHandler } from './check.handler.js';

describe('health.check', () => {
  it('is ok when the database answers and migrations are applied', async () => {
    const report = await checkHandler({
      ctx: createFakeContext({ migrations: { applied: 3, latestCreatedAt: '2025-01-01T00:00:00.000Z' } }),
    });
    expect(report).toMatchObject({
      status: 'ok',
      db: { ok: true, latencyMs: 1.5 },
      migrations: { applied: 3 },
      uptimeSeconds: 42,
      version: '9.9.9-test',
    });
  });

  it('is degraded, without asking for migrations, when the database is unreachable', async () => {
    const report = await checkHandler({
      ctx: createFakeContext({
        ping: { ok: false, latencyMs: null, error: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432' },
      }),
    });
    expect(report.status).toBe('degraded');
    expect(report.migrations).toBeNull();
    expect(report.db.error).toContain('ECONNREFUSED');
  });

  it('is degraded when the database was never migrated or the status is unknown', async () => {
    expect(
      (await checkHandler({ ctx: createFakeContext({ migrations: { applied: 0, latestCreatedAt: null } }) })).status,
    ).toBe('degraded');
    expect((await checkHandler({ ctx: createFakeContext({ migrations: null }) })).status).toBe('degraded');
  });

  it('is reachable through the router with a validated output', async () => {
    const report = await createCaller(createFakeContext()).health.check();
    expect(report.checkedAt).toBeInstanceOf(Date);
  });
});

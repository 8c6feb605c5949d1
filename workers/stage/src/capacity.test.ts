import { describe, expect, it } from 'vitest';
import { CapacityLedger, cheapestCostMillicores, costOf, stageCostTable } from './capacity.js';
import { stageEnv } from './env.js';

describe('capacity', () => {
  it('reads costs from the measured table', () => {
    expect(costOf('broadcast')).toBe(640);
    expect(costOf('playout')).toBe(50);
    for (const row of Object.values(stageCostTable)) expect(row.measuredBy).toMatch(/bench\//);
  });

  it('reserves while the cost fits and refuses beyond capacity', () => {
    const ledger = new CapacityLedger(1000);
    expect(ledger.tryReserve(640)).toBe(true);
    expect(ledger.tryReserve(640)).toBe(false);
    expect(ledger.tryReserve(50)).toBe(true);
    expect(ledger.usedMillicores).toBe(690);
    ledger.release(640);
    expect(ledger.tryReserve(640)).toBe(true);
    ledger.release(10_000);
    expect(ledger.usedMillicores).toBe(0);
  });

  it('refuses a capacity below the cheapest role, naming the minimum', () => {
    expect(cheapestCostMillicores()).toBe(costOf('playout'));
    const base = { DATABASE_URL: 'postgres://u@127.0.0.1:5432/db' };
    expect(() => stageEnv({ ...base, STAGE_CAPACITY_MILLICORES: '40' })).toThrow(
      /invalid environment for the stage worker — STAGE_CAPACITY_MILLICORES: .*at least 50/,
    );
    expect(stageEnv({ ...base, STAGE_CAPACITY_MILLICORES: '50' }).STAGE_CAPACITY_MILLICORES).toBe(50);
  });
});

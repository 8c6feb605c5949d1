import { describe, expect, it } from 'vitest';
import { serverTimeResponseSchema } from '../../../lib/time-sync/server-clock.js';
import { GET } from './route.js';

describe('GET /api/time', () => {
  it('answers the server clock in the shape the browser clock parses, never cached', async () => {
    const before = Date.now();
    const response = GET();
    const after = Date.now();
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    const body = serverTimeResponseSchema.parse(await response.json());
    expect(body.serverTimeMs).toBeGreaterThanOrEqual(before);
    expect(body.serverTimeMs).toBeLessThanOrEqual(after);
  });
});

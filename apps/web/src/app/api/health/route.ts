import superjson from 'superjson';
import { createCaller } from '../../../server/api/root.js';
import { createContext } from '../../../server/runtime.js';

export const dynamic = 'force-dynamic';

/** Plain JSON health for load balancers and scripts: 200 when ok, 503 when degraded (DB unreachable/unmigrated). */
export async function GET(): Promise<Response> {
  const report = await createCaller(createContext('health')).health.check();
  const body = superjson.serialize(report).json;
  return Response.json(body, {
    status: report.status === 'ok' ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}

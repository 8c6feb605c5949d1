export const dynamic = 'force-dynamic';

/**
 * The server clock for browsers (the page countdown's NTP-style sync, lib/time-sync): read as late as possible and
 * returned without anything slow (no database), so the reading sits near the middle of the round trip.
 */
export function GET(): Response {
  return Response.json(
    { serverTimeMs: Date.now() },
    { headers: { 'cache-control': 'no-store, max-age=0', 'access-control-allow-origin': '*' } },
  );
}

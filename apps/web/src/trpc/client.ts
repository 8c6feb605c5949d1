/**
 * Typed client for the Stagecast API, usable from any TypeScript program (scripts, workers, other services):
 *
 * ```ts
 * import { createStagecastClient } from '@stagecast/web/client'; // TS source: run with tsx or a bundler
 * const api = createStagecastClient({ baseUrl: 'http://127.0.0.1:3000' });
 * const { conferences } = await api.conference.list.query();
 * const conf = await api.conference.bySlug.query({ slug: 'demo-conf' });
 * const health = await api.health.check.query();
 * ```
 *
 * Transport: HTTP batching on `<baseUrl>/api/trpc`, superjson (Dates arrive as Date). Errors are TRPCClientError with
 * `data.code` (e.g. NOT_FOUND, BAD_REQUEST with `data.zodError`). Only the `AppRouter` type is imported from the server,
 * so this module pulls no server code into the caller.
 */
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../server/api/root.js';

export type { AppRouter };

export interface StagecastClientOptions {
  /** Origin of the web app, e.g. http://127.0.0.1:3000 (no trailing /api). */
  baseUrl: string;
  /** Extra headers per request (API tokens once they exist). */
  headers?: () => Record<string, string>;
  /** Custom fetch (tests, proxies); defaults to the global fetch. */
  fetch?: typeof fetch;
}

export function createStagecastClient(options: StagecastClientOptions): TRPCClient<AppRouter> {
  const url = new URL('/api/trpc', options.baseUrl).toString();
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url,
        transformer: superjson,
        headers: options.headers,
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
    ],
  });
}

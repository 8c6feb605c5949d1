import { Writable } from 'node:stream';
import type { TestDatabase } from '@stagecast/db/testing';
import type { Jobs } from '@stagecast/jobs';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import superjson from 'superjson';
import { createAdminDeps } from '../../admin/deps.js';
import type { AuthPolicy } from '../../auth/auth-service.js';
import { createAuthContext } from '../../auth/context.js';
import { createLogger } from '../../lib/logger.js';
import { appRouter } from '../root.js';
import type { Context } from '../trpc.js';
import { createFakeContext } from './fake-context.js';

export const testOrigin = 'http://stagecast.test';

/**
 * The real router, auth and repositories over a test database, reached through tRPC's fetch adapter exactly like
 * /api/trpc (headers, cookies, status codes), without a listening server. Every log line is kept for secret checks.
 */
export function createHttpHarness(options: {
  database: TestDatabase;
  now?: () => Date;
  jobs?: () => Promise<Jobs>;
  authPolicy?: Partial<AuthPolicy>;
  fetchSchedule?: (url: string) => Promise<string>;
}) {
  const logText: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logText.push(chunk.toString('utf8'));
      done();
    },
  });
  const log = createLogger({ destination, level: 'debug' });
  const deps = createAdminDeps({
    db: options.database.db,
    log,
    now: options.now,
    authPolicy: options.authPolicy,
    fetchSchedule: options.fetchSchedule,
    jobs:
      options.jobs ??
      (async () => {
        throw new Error('no job queue in this test');
      }),
  });

  function contextFor(req: Request, resHeaders?: Headers): Context {
    return {
      ...createFakeContext({ now: options.now?.() }),
      ...deps,
      ...createAuthContext(req, deps.authService, {
        setCookie: resHeaders ? (value) => resHeaders.append('set-cookie', value) : undefined,
      }),
      now: options.now ?? (() => new Date()),
      log,
    };
  }

  async function handle(req: Request): Promise<Response> {
    return fetchRequestHandler({
      endpoint: '/api/trpc',
      req,
      router: appRouter,
      createContext: ({ resHeaders }) => contextFor(req, resHeaders),
    });
  }

  /** One tRPC call over HTTP semantics. `headers` decide who calls (cookie, bearer, origin, csrf). */
  async function call(
    path: string,
    type: 'query' | 'mutation',
    input: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown; text: string; headers: Headers; data: unknown; code: string | null }> {
    const serialized = input === undefined ? undefined : superjson.serialize(input);
    const url =
      type === 'query'
        ? `${testOrigin}/api/trpc/${path}${serialized ? `?input=${encodeURIComponent(JSON.stringify(serialized))}` : ''}`
        : `${testOrigin}/api/trpc/${path}`;
    const response = await handle(
      new Request(url, {
        method: type === 'query' ? 'GET' : 'POST',
        headers: { 'content-type': 'application/json', host: 'stagecast.test', ...headers },
        ...(type === 'mutation' ? { body: JSON.stringify(serialized ?? {}) } : {}),
      }),
    );
    const text = await response.text();
    const body = JSON.parse(text) as {
      result?: { data?: { json: unknown; meta?: unknown } };
      error?: { json?: { data?: { code?: string } } };
    };
    const data = body.result?.data
      ? superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0])
      : undefined;
    return {
      status: response.status,
      body,
      text,
      headers: response.headers,
      data,
      code: body.error?.json?.data?.code ?? null,
    };
  }

  return { deps, log, logText, call, handle, contextFor };
}

/** Headers of a same-origin browser request carrying a session. */
export function sessionHeaders(cookie: string, csrfToken: string): Record<string, string> {
  return { cookie, origin: testOrigin, 'x-csrf-token': csrfToken };
}

/** `name=value` of the Set-Cookie header, for the next request's Cookie header. */
export function cookieFrom(headers: Headers): string {
  const setCookie = headers.get('set-cookie') ?? '';
  return setCookie.split(';')[0] ?? '';
}

import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { createCaller } from '../api/root.js';
import { createContext } from '../runtime.js';
import type { AuthState } from './auth-service.js';

type SignedIn = Exclude<AuthState, { kind: 'anonymous' }>;

/**
 * For admin server components: the caller's identity from the request cookies, and a tRPC caller acting as them
 * (same procedures, auth middleware and validation as over HTTP). Redirects to the sign-in page when signed out.
 */
export async function requireAdminSession(): Promise<{ auth: SignedIn; api: ReturnType<typeof createCaller> }> {
  const incoming = await headers();
  const host = incoming.get('host') ?? 'localhost';
  const ctx = createContext('rsc', {
    req: { method: 'GET', url: `http://${host}/admin`, headers: new Headers(incoming) },
  });
  const auth = await ctx.getAuth().catch(() => ({ kind: 'anonymous' as const }));
  if (auth.kind === 'anonymous') redirect('/admin/sign-in');
  return { auth, api: createCaller(ctx) };
}

export async function currentAuth(): Promise<AuthState> {
  const incoming = await headers();
  const host = incoming.get('host') ?? 'localhost';
  const ctx = createContext('rsc', {
    req: { method: 'GET', url: `http://${host}/admin`, headers: new Headers(incoming) },
  });
  return ctx.getAuth().catch(() => ({ kind: 'anonymous' as const }));
}

/**
 * For admin pages: an unknown, malformed or foreign id becomes the 404 page (the same answer for all three, so ids
 * cannot be probed), instead of an error logged by every parallel segment.
 */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error: unknown) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && ['NOT_FOUND', 'BAD_REQUEST', 'FORBIDDEN'].includes(code)) notFound();
    throw error;
  }
}

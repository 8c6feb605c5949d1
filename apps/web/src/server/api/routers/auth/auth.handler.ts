import { AuthError } from '../../../auth/errors.js';
import { clearSessionCookie, serializeSessionCookie } from '../../../auth/cookies.js';
import { sameOriginProblem } from '../../../auth/request.js';
import type { Context } from '../../trpc.js';
import type { SignInInput, SessionUser } from './auth.schema.js';

function toSessionUser(user: { id: string; email: string; name: string; isAdmin: boolean }): SessionUser {
  return { id: user.id, email: user.email, name: user.name, isAdmin: user.isAdmin };
}

/** Signs in with e-mail + password; sets a fresh session cookie (rotating any previous one). */
export async function signInHandler({ ctx, input }: { ctx: Context; input: SignInInput }) {
  // Login CSRF: a foreign page must not sign a visitor into the attacker's account.
  const problem = sameOriginProblem(ctx.request.headers, ctx.request.allowedOrigins);
  if (problem) throw AuthError.csrf(problem);
  const result = await ctx.authService.signIn({
    email: input.email,
    password: input.password,
    ip: ctx.request.ip,
    userAgent: ctx.request.userAgent,
    previousSessionToken: ctx.request.sessionToken,
  });
  ctx.setCookie(
    serializeSessionCookie(result.sessionToken, {
      secure: ctx.request.secure,
      maxAgeSeconds: (result.expiresAt.getTime() - ctx.now().getTime()) / 1000,
    }),
  );
  return { user: toSessionUser(result.user), csrfToken: result.csrfToken };
}

export async function signOutHandler({ ctx }: { ctx: Context }) {
  const auth = await ctx.getAuth();
  if (auth.kind === 'session') await ctx.authService.signOut(auth.sessionId);
  ctx.setCookie(clearSessionCookie(ctx.request.secure));
  return { signedOut: true as const };
}

export async function meHandler({ ctx }: { ctx: Context }) {
  const auth = await ctx.getAuth().catch(() => ({ kind: 'anonymous' as const }));
  return auth.kind === 'anonymous'
    ? { user: null, via: 'anonymous' as const }
    : { user: toSessionUser(auth.user), via: auth.kind };
}

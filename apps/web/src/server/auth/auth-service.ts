import type { PublicUser, SessionRepository, UserRepository } from '@stagecast/db';
import type { Logger } from '../lib/logger.js';
import { AuthError } from './errors.js';
import { verifyPassword } from './password.js';
import { apiTokenPattern, apiTokenPrefix, randomSecret, sha256Hex } from './tokens.js';

/** Who is calling. API-token callers carry no ambient credentials, so CSRF rules do not apply to them. */
export type AuthState =
  | { kind: 'anonymous' }
  | { kind: 'session'; user: PublicUser; sessionId: string; csrfToken: string }
  | { kind: 'api-token'; user: PublicUser; tokenId: string };

export interface AuthPolicy {
  /** Absolute session lifetime. */
  sessionTtlMs: number;
  /** A session unused for this long is dead. */
  idleTimeoutMs: number;
  /** Failed sign-ins tolerated per e-mail / per client address within `rateWindowMs`. */
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  rateWindowMs: number;
  /** last_seen_at is written at most this often (a write per request would be wasteful). */
  touchIntervalMs: number;
}

export const defaultAuthPolicy: AuthPolicy = {
  sessionTtlMs: 7 * 24 * 60 * 60 * 1000,
  idleTimeoutMs: 12 * 60 * 60 * 1000,
  maxFailuresPerEmail: 5,
  maxFailuresPerIp: 30,
  rateWindowMs: 15 * 60 * 1000,
  touchIntervalMs: 60 * 1000,
};

export interface AuthServiceDeps {
  users: Pick<UserRepository, 'findCredentialsByEmail' | 'markSignedIn' | 'recordLoginAttempt' | 'countFailedLogins'>;
  sessions: Pick<
    SessionRepository,
    | 'createSession'
    | 'findSessionByTokenHash'
    | 'touchSession'
    | 'deleteSession'
    | 'createApiToken'
    | 'findApiTokenByHash'
    | 'touchApiToken'
  >;
  now: () => Date;
  log: Logger;
  policy?: Partial<AuthPolicy>;
}

export interface SignInResult {
  /** Cookie value (the only copy of the session secret). */
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
  user: PublicUser;
}

export function createAuthService(deps: AuthServiceDeps) {
  const policy: AuthPolicy = { ...defaultAuthPolicy, ...deps.policy };
  const log = deps.log.child({ module: 'auth' });

  return {
    policy,

    async signIn(input: {
      email: string;
      password: string;
      ip: string;
      userAgent: string | null;
      /** Session cookie presented with the sign-in, revoked so a planted session id never survives (rotation). */
      previousSessionToken: string | null;
    }): Promise<SignInResult> {
      const now = deps.now();
      const email = input.email.trim().toLowerCase();
      const failures = await deps.users.countFailedLogins(
        email,
        input.ip,
        new Date(now.getTime() - policy.rateWindowMs),
      );
      if (failures.byEmail >= policy.maxFailuresPerEmail || failures.byIp >= policy.maxFailuresPerIp) {
        log.warn({ ip: input.ip, failures }, 'sign-in refused: rate limit');
        throw AuthError.rateLimited(Math.ceil(policy.rateWindowMs / 60_000));
      }
      const account = await deps.users.findCredentialsByEmail(email).catch(() => null);
      const ok = await verifyPassword(account?.passwordHash ?? null, input.password);
      if (!account || !ok || account.disabledAt !== null) {
        await deps.users.recordLoginAttempt({ email, ip: input.ip, succeeded: false, at: now });
        log.info({ ip: input.ip, known: account !== null }, 'sign-in failed');
        throw AuthError.invalidCredentials();
      }
      if (input.previousSessionToken) {
        const previous = await deps.sessions.findSessionByTokenHash(sha256Hex(input.previousSessionToken));
        if (previous) await deps.sessions.deleteSession(previous.session.id);
      }
      const sessionToken = randomSecret();
      const csrfToken = randomSecret();
      const expiresAt = new Date(now.getTime() + policy.sessionTtlMs);
      await deps.sessions.createSession({
        tokenHash: sha256Hex(sessionToken),
        userId: account.id,
        csrfToken,
        expiresAt,
        userAgent: input.userAgent,
        ip: input.ip,
        now,
      });
      await deps.users.recordLoginAttempt({ email, ip: input.ip, succeeded: true, at: now });
      await deps.users.markSignedIn(account.id, now);
      const { passwordHash: _omit, ...user } = account;
      log.info({ userId: user.id }, 'signed in');
      return { sessionToken, csrfToken, expiresAt, user };
    },

    /** Resolves the caller from a session cookie or a bearer token (a bad bearer token is an error, not anonymous). */
    async authenticate(input: { sessionToken: string | null; bearer: string | null }): Promise<AuthState> {
      const now = deps.now();
      if (input.bearer !== null) {
        if (!apiTokenPattern.test(input.bearer)) throw AuthError.unauthenticated();
        const found = await deps.sessions.findApiTokenByHash(sha256Hex(input.bearer));
        if (
          !found ||
          found.token.revokedAt !== null ||
          (found.token.expiresAt !== null && found.token.expiresAt <= now) ||
          found.user.disabledAt !== null
        ) {
          throw AuthError.unauthenticated();
        }
        if (!found.token.lastUsedAt || now.getTime() - found.token.lastUsedAt.getTime() > policy.touchIntervalMs) {
          await deps.sessions.touchApiToken(found.token.id, now);
        }
        return { kind: 'api-token', user: found.user, tokenId: found.token.id };
      }
      if (input.sessionToken === null) return { kind: 'anonymous' };
      const found = await deps.sessions.findSessionByTokenHash(sha256Hex(input.sessionToken));
      if (!found) return { kind: 'anonymous' };
      const { session, user } = found;
      const idle = now.getTime() - session.lastSeenAt.getTime() > policy.idleTimeoutMs;
      if (session.expiresAt <= now || idle || user.disabledAt !== null) {
        await deps.sessions.deleteSession(session.id);
        return { kind: 'anonymous' };
      }
      if (now.getTime() - session.lastSeenAt.getTime() > policy.touchIntervalMs) {
        await deps.sessions.touchSession(session.id, now);
      }
      return { kind: 'session', user, sessionId: session.id, csrfToken: session.csrfToken };
    },

    async signOut(sessionId: string): Promise<void> {
      await deps.sessions.deleteSession(sessionId);
    },

    /** Creates an API token for the user; the returned `token` is shown once and never stored. */
    async createApiToken(userId: string, name: string, expiresAt: Date | null) {
      const token = `${apiTokenPrefix}${randomSecret()}`;
      const view = await deps.sessions.createApiToken({
        userId,
        name,
        tokenHash: sha256Hex(token),
        prefix: token.slice(0, apiTokenPrefix.length + 6),
        expiresAt,
      });
      return { token, view };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

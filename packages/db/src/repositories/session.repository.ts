import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { apiTokens, sessions, users, type ApiToken, type Session } from '../schema/users.js';
import type { PublicUser } from './user.repository.js';
import { parseInput, uuidSchema } from './validation.js';

/**
 * Sessions and API tokens, looked up by the SHA-256 of the secret the client presents. Hashing and expiry policy
 * belong to the caller (apps/web/src/server/auth); this module stores and reads rows.
 */
const hashPattern = /^[0-9a-f]{64}$/;

function assertHash(hash: string, what: string): void {
  if (!hashPattern.test(hash)) throw DbError.invalidInput(what, 'must be a lower-case hex SHA-256 digest');
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  isAdmin: users.isAdmin,
  disabledAt: users.disabledAt,
  lastSignInAt: users.lastSignInAt,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
} as const;

export type ApiTokenView = Omit<ApiToken, 'tokenHash'>;
const tokenViewColumns = {
  id: apiTokens.id,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
} as const;

export function createSessionRepository(db: Db) {
  return {
    async createSession(input: {
      tokenHash: string;
      userId: string;
      csrfToken: string;
      expiresAt: Date;
      userAgent?: string | null;
      ip?: string | null;
      /** Creation instant from the caller's clock (default: now), so idle checks use one time base. */
      now?: Date;
    }): Promise<Session> {
      assertHash(input.tokenHash, 'session token hash');
      parseInput(uuidSchema, input.userId, 'user id');
      try {
        const [row] = await db
          .insert(sessions)
          .values({
            tokenHash: input.tokenHash,
            userId: input.userId,
            csrfToken: input.csrfToken,
            expiresAt: input.expiresAt,
            ...(input.now ? { createdAt: input.now, lastSeenAt: input.now } : {}),
            userAgent: input.userAgent?.slice(0, 300) ?? null,
            ip: input.ip?.slice(0, 100) ?? null,
          })
          .returning();
        if (!row) throw new DbError('unknown', 'insert of session returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, 'session');
      }
    },

    async findSessionByTokenHash(tokenHash: string): Promise<{ session: Session; user: PublicUser } | null> {
      if (!hashPattern.test(tokenHash)) return null;
      try {
        const [row] = await db
          .select({ session: sessions, user: userColumns })
          .from(sessions)
          .innerJoin(users, eq(users.id, sessions.userId))
          .where(eq(sessions.tokenHash, tokenHash))
          .limit(1);
        return row ?? null;
      } catch (error: unknown) {
        throw toDbError(error, 'session lookup');
      }
    },

    async touchSession(id: string, at: Date): Promise<void> {
      try {
        await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
      } catch (error: unknown) {
        throw toDbError(error, 'session');
      }
    },

    async deleteSession(id: string): Promise<void> {
      try {
        await db.delete(sessions).where(eq(sessions.id, id));
      } catch (error: unknown) {
        throw toDbError(error, 'session');
      }
    },

    async deleteSessionsOfUser(userId: string): Promise<number> {
      try {
        const deleted = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
        return deleted.length;
      } catch (error: unknown) {
        throw toDbError(error, 'sessions');
      }
    },

    /** Removes sessions past their absolute expiry or idle since before `idleBefore`. */
    async deleteExpiredSessions(now: Date, idleBefore: Date): Promise<number> {
      try {
        const deleted = await db
          .delete(sessions)
          .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleBefore)))
          .returning({ id: sessions.id });
        return deleted.length;
      } catch (error: unknown) {
        throw toDbError(error, 'sessions');
      }
    },

    // API tokens.

    async createApiToken(input: {
      userId: string;
      name: string;
      tokenHash: string;
      prefix: string;
      expiresAt?: Date | null;
    }): Promise<ApiTokenView> {
      assertHash(input.tokenHash, 'API token hash');
      parseInput(uuidSchema, input.userId, 'user id');
      try {
        const [row] = await db
          .insert(apiTokens)
          .values({
            userId: input.userId,
            name: input.name,
            tokenHash: input.tokenHash,
            prefix: input.prefix,
            expiresAt: input.expiresAt ?? null,
          })
          .returning(tokenViewColumns);
        if (!row) throw new DbError('unknown', 'insert of API token returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `API token '${input.name}'`);
      }
    },

    async findApiTokenByHash(tokenHash: string): Promise<{ token: ApiTokenView; user: PublicUser } | null> {
      if (!hashPattern.test(tokenHash)) return null;
      try {
        const [row] = await db
          .select({ token: tokenViewColumns, user: userColumns })
          .from(apiTokens)
          .innerJoin(users, eq(users.id, apiTokens.userId))
          .where(eq(apiTokens.tokenHash, tokenHash))
          .limit(1);
        return row ?? null;
      } catch (error: unknown) {
        throw toDbError(error, 'API token lookup');
      }
    },

    async touchApiToken(id: string, at: Date): Promise<void> {
      try {
        await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, id));
      } catch (error: unknown) {
        throw toDbError(error, 'API token');
      }
    },

    async listApiTokens(userId: string): Promise<ApiTokenView[]> {
      try {
        return await db
          .select(tokenViewColumns)
          .from(apiTokens)
          .where(eq(apiTokens.userId, userId))
          .orderBy(desc(apiTokens.createdAt));
      } catch (error: unknown) {
        throw toDbError(error, 'API token listing');
      }
    },

    /** Revokes one of the user's own tokens; not-found when it is someone else's or already revoked. */
    async revokeApiToken(userId: string, id: string): Promise<void> {
      parseInput(uuidSchema, id, 'API token id');
      try {
        const done = await db
          .update(apiTokens)
          .set({ revokedAt: new Date() })
          .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
          .returning({ id: apiTokens.id });
        if (done.length === 0) throw DbError.notFound('API token', id);
      } catch (error: unknown) {
        throw toDbError(error, `API token ${id}`);
      }
    },
  };
}

export type SessionRepository = ReturnType<typeof createSessionRepository>;

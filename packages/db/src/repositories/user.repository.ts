import { and, asc, count, eq, gte, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../client.js';
import { DbError, toDbError } from '../errors.js';
import { conferences } from '../schema/conferences.js';
import { conferenceMemberships, loginAttempts, users, type User } from '../schema/users.js';
import { parseInput, uuidSchema } from './validation.js';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an e-mail address such as ada@example.org' }).max(320));

export const createUserInputSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(200),
  /** PHC string from the caller's password hasher (this package never sees passwords). */
  passwordHash: z.string().regex(/^\$[a-z0-9-]+\$/, 'must be a PHC-format hash such as $argon2id$…'),
  isAdmin: z.boolean().default(false),
});
export type CreateUserInput = z.input<typeof createUserInputSchema>;

/** A user without the password hash: what everything but sign-in gets. */
export type PublicUser = Omit<User, 'passwordHash'>;

const publicUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  isAdmin: users.isAdmin,
  disabledAt: users.disabledAt,
  lastSignInAt: users.lastSignInAt,
  createdAt: users.createdAt,
  updatedAt: users.updatedAt,
} as const;

export interface MembershipView {
  conferenceId: string;
  conferenceSlug: string;
  conferenceName: string;
  role: 'organizer';
}

export function createUserRepository(db: Db) {
  return {
    async create(input: CreateUserInput): Promise<PublicUser> {
      const values = parseInput(createUserInputSchema, input, 'user');
      try {
        const [row] = await db.insert(users).values(values).returning(publicUserColumns);
        if (!row) throw new DbError('unknown', 'insert of user returned no row');
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `user '${values.email}'`);
      }
    },

    /** The one read that includes the password hash (sign-in only); null when unknown. */
    async findCredentialsByEmail(email: string): Promise<User | null> {
      const key = parseInput(emailSchema, email, 'e-mail');
      try {
        const [row] = await db.select().from(users).where(eq(users.email, key)).limit(1);
        return row ?? null;
      } catch (error: unknown) {
        throw toDbError(error, 'user lookup');
      }
    },

    async getById(id: string): Promise<PublicUser> {
      parseInput(uuidSchema, id, 'user id');
      try {
        const [row] = await db.select(publicUserColumns).from(users).where(eq(users.id, id)).limit(1);
        if (!row) throw DbError.notFound('user', id);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `user ${id}`);
      }
    },

    async list(): Promise<PublicUser[]> {
      try {
        return await db.select(publicUserColumns).from(users).orderBy(asc(users.email));
      } catch (error: unknown) {
        throw toDbError(error, 'user listing');
      }
    },

    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      const hash = parseInput(createUserInputSchema.shape.passwordHash, passwordHash, 'password hash');
      try {
        const done = await db
          .update(users)
          .set({ passwordHash: hash })
          .where(eq(users.id, id))
          .returning({ id: users.id });
        if (done.length === 0) throw DbError.notFound('user', id);
      } catch (error: unknown) {
        throw toDbError(error, `user ${id}`);
      }
    },

    async update(id: string, input: { name?: string; isAdmin?: boolean; disabled?: boolean }): Promise<PublicUser> {
      parseInput(uuidSchema, id, 'user id');
      try {
        const [row] = await db
          .update(users)
          .set({
            ...(input.name === undefined ? {} : { name: input.name }),
            ...(input.isAdmin === undefined ? {} : { isAdmin: input.isAdmin }),
            ...(input.disabled === undefined ? {} : { disabledAt: input.disabled ? new Date() : null }),
          })
          .where(eq(users.id, id))
          .returning(publicUserColumns);
        if (!row) throw DbError.notFound('user', id);
        return row;
      } catch (error: unknown) {
        throw toDbError(error, `user ${id}`);
      }
    },

    async markSignedIn(id: string, at: Date): Promise<void> {
      try {
        await db.update(users).set({ lastSignInAt: at }).where(eq(users.id, id));
      } catch (error: unknown) {
        throw toDbError(error, `user ${id}`);
      }
    },

    async countAdmins(): Promise<number> {
      try {
        const [row] = await db.select({ n: count() }).from(users).where(eq(users.isAdmin, true));
        return row?.n ?? 0;
      } catch (error: unknown) {
        throw toDbError(error, 'user count');
      }
    },

    // Memberships (per-conference organizer role).

    async addMembership(userId: string, conferenceId: string): Promise<void> {
      parseInput(uuidSchema, userId, 'user id');
      parseInput(uuidSchema, conferenceId, 'conference id');
      try {
        await db
          .insert(conferenceMemberships)
          .values({ userId, conferenceId, role: 'organizer' })
          .onConflictDoNothing();
      } catch (error: unknown) {
        throw toDbError(error, 'conference membership');
      }
    },

    async removeMembership(userId: string, conferenceId: string): Promise<void> {
      try {
        await db
          .delete(conferenceMemberships)
          .where(and(eq(conferenceMemberships.userId, userId), eq(conferenceMemberships.conferenceId, conferenceId)));
      } catch (error: unknown) {
        throw toDbError(error, 'conference membership');
      }
    },

    async isMember(userId: string, conferenceId: string): Promise<boolean> {
      try {
        const [row] = await db
          .select({ userId: conferenceMemberships.userId })
          .from(conferenceMemberships)
          .where(and(eq(conferenceMemberships.userId, userId), eq(conferenceMemberships.conferenceId, conferenceId)))
          .limit(1);
        return row !== undefined;
      } catch (error: unknown) {
        throw toDbError(error, 'conference membership');
      }
    },

    async listMemberships(userIds: string[]): Promise<(MembershipView & { userId: string })[]> {
      if (userIds.length === 0) return [];
      try {
        return await db
          .select({
            userId: conferenceMemberships.userId,
            conferenceId: conferenceMemberships.conferenceId,
            conferenceSlug: conferences.slug,
            conferenceName: conferences.name,
            role: conferenceMemberships.role,
          })
          .from(conferenceMemberships)
          .innerJoin(conferences, eq(conferences.id, conferenceMemberships.conferenceId))
          .where(inArray(conferenceMemberships.userId, userIds))
          .orderBy(asc(conferences.name));
      } catch (error: unknown) {
        throw toDbError(error, 'membership listing');
      }
    },

    // Login attempts (rate limiting).

    async recordLoginAttempt(attempt: { email: string; ip: string; succeeded: boolean; at?: Date }): Promise<void> {
      try {
        await db.insert(loginAttempts).values({
          email: attempt.email.trim().toLowerCase().slice(0, 320),
          ip: attempt.ip.slice(0, 100),
          succeeded: attempt.succeeded,
          ...(attempt.at ? { createdAt: attempt.at } : {}),
        });
      } catch (error: unknown) {
        throw toDbError(error, 'login attempt');
      }
    },

    /** Failed attempts since `since` for this e-mail and for this client address. */
    async countFailedLogins(email: string, ip: string, since: Date): Promise<{ byEmail: number; byIp: number }> {
      try {
        const failedSince = and(eq(loginAttempts.succeeded, false), gte(loginAttempts.createdAt, since));
        const [byEmail] = await db
          .select({ n: count() })
          .from(loginAttempts)
          .where(and(failedSince, eq(loginAttempts.email, email.trim().toLowerCase())));
        const [byIp] = await db
          .select({ n: count() })
          .from(loginAttempts)
          .where(and(failedSince, eq(loginAttempts.ip, ip)));
        return { byEmail: byEmail?.n ?? 0, byIp: byIp?.n ?? 0 };
      } catch (error: unknown) {
        throw toDbError(error, 'login attempts');
      }
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;

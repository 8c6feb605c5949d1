import type { PublicUser } from '@stagecast/db';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import type { AuthState } from '../auth/auth-service.js';
import { createCaller } from './root.js';
import { fakeAdminParts } from './testing/fake-admin-context.js';
import { createFakeContext } from './testing/fake-context.js';

const user = (isAdmin: boolean): PublicUser => ({
  id: '00000000-0000-4000-8000-000000000001',
  email: 'u@example.org',
  name: 'U',
  isAdmin,
  disabledAt: null,
  lastSignInAt: null,
  createdAt: new Date(),
  updatedAt: new Date(),
});

function caller(auth: AuthState, headers: Record<string, string> = {}) {
  return createCaller({ ...createFakeContext(), ...fakeAdminParts({ auth, headers }) });
}

async function code(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'OK',
    (error: unknown) => (error instanceof TRPCError ? error.code : String(error)),
  );
}

describe('procedure guards (unit, fake context)', () => {
  const session = (isAdmin: boolean): AuthState => ({
    kind: 'session',
    user: user(isAdmin),
    sessionId: 's',
    csrfToken: 'csrf-1',
  });
  const sameOrigin = { origin: 'http://stagecast.test', 'x-csrf-token': 'csrf-1' };

  it('protected: anonymous is UNAUTHORIZED before input or repositories are touched', async () => {
    expect(await code(caller({ kind: 'anonymous' }).apiToken.list())).toBe('UNAUTHORIZED');
    expect(await code(caller({ kind: 'anonymous' }).room.update({ roomId: 'nonsense' } as never))).toBe('UNAUTHORIZED');
  });

  it('session mutations need same origin and the CSRF token; API-token mutations do not', async () => {
    expect(await code(caller(session(true)).auth.signOut())).toBe('FORBIDDEN');
    expect(await code(caller(session(true), { ...sameOrigin, 'x-csrf-token': 'other' }).auth.signOut())).toBe(
      'FORBIDDEN',
    );
    expect(await code(caller(session(true), { ...sameOrigin, origin: 'http://evil.test' }).auth.signOut())).toBe(
      'FORBIDDEN',
    );
    // Passes the guard; the fake auth service then refuses, proving the guard let it through.
    expect(await code(caller(session(true), sameOrigin).auth.signOut())).toBe('INTERNAL_SERVER_ERROR');
    expect(await code(caller({ kind: 'api-token', user: user(true), tokenId: 't' }).auth.signOut())).toBe('OK');
  });

  it('admin procedures refuse organizers before parsing input', async () => {
    expect(await code(caller(session(false), sameOrigin).user.create({} as never))).toBe('FORBIDDEN');
    expect(await code(caller(session(false)).user.list())).toBe('FORBIDDEN');
  });

  it('the sign-in mutation refuses foreign origins (login CSRF)', async () => {
    expect(
      await code(
        caller({ kind: 'anonymous' }, { origin: 'http://evil.test' }).auth.signIn({ email: 'a@b.c', password: 'x' }),
      ),
    ).toBe('FORBIDDEN');
  });
});

describe('error mapping across bundle copies', () => {
  it('maps domain errors by name and reason when instanceof fails (webpack layers duplicate modules)', async () => {
    const { toTRPCError } = await import('./errors.js');
    const copy = Object.assign(new Error('you are not allowed to do this'), { name: 'AuthError', reason: 'forbidden' });
    expect(toTRPCError(copy).code).toBe('FORBIDDEN');
    const video = Object.assign(new Error('bad file'), { name: 'AdminError', reason: 'video-unreadable' });
    expect(toTRPCError(video)).toMatchObject({ code: 'BAD_REQUEST', message: 'bad file' });
    expect(toTRPCError(Object.assign(new Error('x'), { name: 'AuthError' })).code).toBe('INTERNAL_SERVER_ERROR');
  });
});

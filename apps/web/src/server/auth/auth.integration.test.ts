import { createHash } from 'node:crypto';
import { sessions } from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import { createStagecastClient } from '../../trpc/client.js';
import { cookieFrom, createHttpHarness, sessionHeaders, testOrigin } from '../api/testing/http-harness.js';
import { hashPassword, needsRehash, verifyPassword } from './password.js';

// Organizer sign-in end to end over tRPC's fetch adapter on real Postgres: argon2id, hashed session ids, cookie flags,
// idle and absolute expiry, rotation, CSRF refusal, login rate limit, API tokens.
describe('auth on Postgres', () => {
  let database: TestDatabase;
  let clock = new Date('2026-03-01T10:00:00Z');
  let harness: ReturnType<typeof createHttpHarness>;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    database = await createTestDatabase({ name: 'web_auth' });
    harness = createHttpHarness({ database, now: () => clock });
    await harness.deps.userRepo.create({
      email: 'Ada@Example.org',
      name: 'Ada',
      passwordHash: await hashPassword(password),
    });
  });
  afterAll(async () => {
    await database?.drop();
  });

  async function signIn(headers: Record<string, string> = {}, pw = password) {
    return harness.call(
      'auth.signIn',
      'mutation',
      { email: 'ada@example.org', password: pw },
      { origin: testOrigin, ...headers },
    );
  }

  it('hashes passwords with argon2id (PHC, OWASP parameters) and verifies them', async () => {
    const hash = await hashPassword(password);
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, password)).toBe(true);
    expect(await verifyPassword(hash, `${password}!`)).toBe(false);
    expect(await verifyPassword(null, password)).toBe(false);
    expect(needsRehash(hash)).toBe(false);
    expect(needsRehash('$argon2id$v=19$m=4096,t=3,p=1$abc$def')).toBe(true);
    await expect(hashPassword('short')).rejects.toThrow(/at least|12/);
  });

  it('signs in: httpOnly SameSite=Lax cookie, the session id stored only as its SHA-256', async () => {
    const result = await signIn();
    expect(result.status).toBe(200);
    const setCookie = result.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^stagecast_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=604800$/);
    const token = cookieFrom(result.headers).split('=')[1] ?? '';
    const rows = await database.db.select().from(sessions);
    const mine = rows.find((r) => r.tokenHash === createHash('sha256').update(token).digest('hex'));
    expect(mine).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(result.text).not.toContain(token);
    const me = await harness.call('auth.me', 'query', undefined, { cookie: cookieFrom(result.headers) });
    expect(me.data).toMatchObject({ via: 'session', user: { email: 'ada@example.org', isAdmin: false } });
  });

  it('marks the cookie Secure and __Host- when the site is served over https', async () => {
    const result = await signIn({ 'x-forwarded-proto': 'https', origin: 'https://stagecast.test' });
    expect(result.status).toBe(200);
    expect(result.headers.get('set-cookie')).toMatch(/^__Host-stagecast_session=.*; Secure$/);
  });

  it('refuses a wrong password with one generic message and no cookie', async () => {
    const result = await signIn({}, 'wrong password!!');
    expect(result.status).toBe(401);
    expect(result.code).toBe('UNAUTHORIZED');
    expect(result.text).toContain('e-mail or password is wrong');
    expect(result.headers.get('set-cookie')).toBeNull();
    const unknown = await harness.call(
      'auth.signIn',
      'mutation',
      { email: 'nobody@example.org', password },
      { origin: testOrigin },
    );
    expect(JSON.parse(unknown.text)).toMatchObject({
      error: { json: { message: expect.stringContaining('e-mail or password is wrong') } },
    });
  });

  it('expires sessions after the idle timeout and after the absolute lifetime, deleting them', async () => {
    const first = await signIn();
    const cookie = cookieFrom(first.headers);
    clock = new Date(clock.getTime() + 11 * 60 * 60 * 1000); // 11 h idle: still valid, and touched
    expect((await harness.call('auth.me', 'query', undefined, { cookie })).data).toMatchObject({ via: 'session' });
    clock = new Date(clock.getTime() + 13 * 60 * 60 * 1000); // 13 h idle > 12 h
    expect((await harness.call('auth.me', 'query', undefined, { cookie })).data).toMatchObject({ via: 'anonymous' });
    const hash = createHash('sha256')
      .update(cookie.split('=')[1] ?? '')
      .digest('hex');
    expect((await database.db.select().from(sessions)).some((s) => s.tokenHash === hash)).toBe(false);

    // Absolute: active every 10 h, still dead after 7 days.
    const second = await signIn();
    const cookie2 = cookieFrom(second.headers);
    for (let hours = 0; hours < 7 * 24; hours += 10) {
      clock = new Date(clock.getTime() + 10 * 60 * 60 * 1000);
      const me = await harness.call('auth.me', 'query', undefined, { cookie: cookie2 });
      if ((me.data as { via: string }).via === 'anonymous') {
        expect(hours).toBeGreaterThanOrEqual(6 * 24);
        return;
      }
    }
    throw new Error('session outlived its absolute lifetime');
  });

  it('rotates the session on sign-in: the previous cookie stops working', async () => {
    const first = await signIn();
    const oldCookie = cookieFrom(first.headers);
    const second = await signIn({ cookie: oldCookie });
    expect(cookieFrom(second.headers)).not.toBe(oldCookie);
    expect((await harness.call('auth.me', 'query', undefined, { cookie: oldCookie })).data).toMatchObject({
      via: 'anonymous',
    });
  });

  it('refuses cookie-authenticated mutations without the CSRF token or from another origin', async () => {
    const result = await signIn();
    const cookie = cookieFrom(result.headers);
    const { csrfToken } = result.data as { csrfToken: string };
    const input = { name: 'csrf probe', expiresInDays: null };
    const noToken = await harness.call('apiToken.create', 'mutation', input, { cookie, origin: testOrigin });
    expect([noToken.status, noToken.code]).toEqual([403, 'FORBIDDEN']);
    expect(noToken.text).toContain('x-csrf-token');
    const wrongToken = await harness.call('apiToken.create', 'mutation', input, {
      ...sessionHeaders(cookie, 'x'.repeat(43)),
    });
    expect(wrongToken.status).toBe(403);
    const foreign = await harness.call('apiToken.create', 'mutation', input, {
      ...sessionHeaders(cookie, csrfToken),
      origin: 'https://evil.example',
    });
    expect(foreign.status).toBe(403);
    expect(foreign.text).toContain('evil.example is not this site');
    const noOrigin = await harness.call('apiToken.create', 'mutation', input, { cookie, 'x-csrf-token': csrfToken });
    expect(noOrigin.status).toBe(403);
    const crossSite = await harness.call('apiToken.create', 'mutation', input, {
      ...sessionHeaders(cookie, csrfToken),
      'sec-fetch-site': 'cross-site',
    });
    expect(crossSite.status).toBe(403);
    const ok = await harness.call('apiToken.create', 'mutation', input, sessionHeaders(cookie, csrfToken));
    expect(ok.status).toBe(200);
    // Login CSRF: a foreign page cannot sign anyone in.
    expect((await signIn({ origin: 'https://evil.example' })).status).toBe(403);
  });

  it('API tokens: shown once, stored hashed, work as Bearer without CSRF, stop working when revoked', async () => {
    const session = await signIn();
    const cookie = cookieFrom(session.headers);
    const { csrfToken } = session.data as { csrfToken: string };
    const created = await harness.call(
      'apiToken.create',
      'mutation',
      { name: 'bot', expiresInDays: 30 },
      sessionHeaders(cookie, csrfToken),
    );
    const { token, view } = created.data as { token: string; view: { id: string; prefix: string } };
    expect(token).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    expect(token.startsWith(view.prefix)).toBe(true);
    const { rows } = await database.pool.query('SELECT * FROM api_tokens');
    expect(JSON.stringify(rows)).not.toContain(token);
    const list = await harness.call('apiToken.list', 'query', undefined, { cookie });
    expect(list.text).not.toContain(token);

    const bearer = { authorization: `Bearer ${token}` };
    expect((await harness.call('auth.me', 'query', undefined, bearer)).data).toMatchObject({ via: 'api-token' });
    // A mutation with a token needs neither Origin nor x-csrf-token (no ambient credentials to forge).
    const viaToken = await harness.call(
      'apiToken.create',
      'mutation',
      { name: 'made by token', expiresInDays: null },
      bearer,
    );
    expect(viaToken.status).toBe(200);

    expect((await harness.call('apiToken.list', 'query', undefined, { authorization: 'Bearer sct_nope' })).status).toBe(
      401,
    );
    expect((await harness.call('apiToken.list', 'query', undefined, { authorization: 'Basic abc' })).status).toBe(401);

    await harness.call('apiToken.revoke', 'mutation', { id: view.id }, sessionHeaders(cookie, csrfToken));
    const revoked = await harness.call('apiToken.list', 'query', undefined, bearer);
    expect([revoked.status, revoked.code]).toEqual([401, 'UNAUTHORIZED']);
  });

  it('the typed client (README example) works with a bearer token and reports typed errors', async () => {
    const user = await harness.deps.userRepo.findCredentialsByEmail('ada@example.org');
    const { token } = await harness.deps.authService.createApiToken(user?.id ?? '', 'client', null);
    const client = (bearer: string) =>
      createStagecastClient({
        baseUrl: testOrigin,
        headers: () => ({ authorization: `Bearer ${bearer}` }),
        fetch: async (input, init) => harness.handle(new Request(input, init)),
      });
    const api = client(token);
    expect(await api.auth.me.query()).toMatchObject({ via: 'api-token', user: { email: 'ada@example.org' } });
    expect((await api.adminConference.list.query()).conferences).toEqual([]);
    const created = await api.apiToken.create.mutate({ name: 'from the client', expiresInDays: 1 });
    expect(created.view.expiresAt).toBeInstanceOf(Date);
    const refused = await client('sct_'.padEnd(47, 'x'))
      .adminConference.list.query()
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<never>).data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    const forbidden = await api.user.list.query().catch((e: unknown) => e);
    expect((forbidden as TRPCClientError<never>).data).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('an admin sets the conference late-playout policy over the API; an unknown value is refused and nothing changes', async () => {
    const admin = await harness.deps.userRepo.create({
      email: 'grace@example.org',
      name: 'Grace',
      passwordHash: await hashPassword(password),
      isAdmin: true,
    });
    const { token } = await harness.deps.authService.createApiToken(admin.id, 'policy', null);
    const api = createStagecastClient({
      baseUrl: testOrigin,
      headers: () => ({ authorization: `Bearer ${token}` }),
      fetch: async (input, init) => harness.handle(new Request(input, init)),
    });
    const { id } = await api.adminConference.create.mutate({
      slug: 'late-policy',
      name: 'Late policy',
      timeZone: 'Europe/Berlin',
      startsOn: '2026-12-27',
      endsOn: '2026-12-30',
    });
    expect((await api.adminConference.get.query({ conferenceId: id })).playoutLatePolicy).toBe('from-start');
    await api.adminConference.update.mutate({ conferenceId: id, changes: { playoutLatePolicy: 'join-in' } });
    expect((await api.adminConference.get.query({ conferenceId: id })).playoutLatePolicy).toBe('join-in');
    const bad = await api.adminConference.update
      .mutate({ conferenceId: id, changes: { playoutLatePolicy: 'whenever' as 'join-in' } })
      .catch((e: unknown) => e);
    expect((bad as TRPCClientError<never>).data).toMatchObject({ code: 'BAD_REQUEST' });
    expect((bad as TRPCClientError<never>).message).toMatch(/playoutLatePolicy/);
    expect(await api.adminConference.get.query({ conferenceId: id })).toMatchObject({
      playoutLatePolicy: 'join-in',
      name: 'Late policy',
    });
  });

  it('signs out: the session row is deleted and the cookie cleared', async () => {
    const session = await signIn();
    const cookie = cookieFrom(session.headers);
    const { csrfToken } = session.data as { csrfToken: string };
    const out = await harness.call('auth.signOut', 'mutation', undefined, sessionHeaders(cookie, csrfToken));
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await harness.call('auth.me', 'query', undefined, { cookie })).data).toMatchObject({ via: 'anonymous' });
  });

  it('rate-limits sign-in per e-mail: after 5 failures even the right password is refused for 15 minutes', async () => {
    clock = new Date(clock.getTime() + 60 * 60 * 1000);
    for (let i = 0; i < 5; i += 1) expect((await signIn({}, `wrong password ${i}`)).status).toBe(401);
    const limited = await signIn();
    expect([limited.status, limited.code]).toEqual([429, 'TOO_MANY_REQUESTS']);
    expect(limited.text).toContain('wait 15 minutes');
    clock = new Date(clock.getTime() + 16 * 60 * 1000);
    expect((await signIn()).status).toBe(200);
  });

  it('never logs passwords, session ids, CSRF tokens or password hashes', async () => {
    const logs = harness.logText.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(password);
    expect(logs).not.toContain('$argon2id$');
    const tokens = (await database.db.select().from(sessions)).map((s) => s.csrfToken);
    for (const token of tokens) expect(logs).not.toContain(token);
  });
});

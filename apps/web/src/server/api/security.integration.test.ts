import { seedDemo } from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password.js';
import { appRouter } from './root.js';
import { cookieFrom, createHttpHarness, sessionHeaders, testOrigin } from './testing/http-harness.js';
import type { Meta } from './trpc.js';

/**
 * Security properties of the whole API, enumerated from the router itself so a new procedure cannot slip through:
 * every mutation declares who may call it; unauthenticated, cross-site and wrong-role calls are refused; no response
 * or log line carries a secret.
 */
interface ProcedureLike {
  _def: { type: 'query' | 'mutation' | 'subscription'; meta?: Meta };
}
const procedures = Object.entries(
  (appRouter._def as unknown as { procedures: Record<string, ProcedureLike> }).procedures,
);
const mutations = procedures
  .filter(([, p]) => p._def.type === 'mutation')
  .map(([path, p]) => ({ path, access: p._def.meta?.access }));
const queries = procedures.filter(([, p]) => p._def.type === 'query').map(([path]) => path);

/** Mutations anyone may call, on purpose. */
const publicMutations = ['auth.signIn'];
/** Mutations any signed-in user may call; they act on the caller's own account only. */
const selfMutations = ['auth.signOut', 'apiToken.create', 'apiToken.revoke'];

const secrets = {
  roomPassword: 'room-pass-SECRET-4417',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.SECRET-JWT-PAYLOAD.sig',
  urlJwt: 'SECRET-URL-JWT-9931',
  rtmpKey: 'rtmp-stream-key-SECRET-77',
  srtStreamId: 'srt-SECRET-stream-id-55',
  adminPassword: 'admin password that is long',
  organizerPassword: 'organizer password that is long',
};

describe('API security (every procedure of appRouter)', () => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHttpHarness>;
  const ids = {} as Record<
    'confA' | 'confB' | 'roomA' | 'roomB' | 'talkA' | 'talkB' | 'admin' | 'organizer' | 'otherToken',
    string
  >;
  let admin: { cookie: string; csrf: string };
  let organizer: { cookie: string; csrf: string };
  const presented: string[] = [];

  async function signIn(email: string, password: string) {
    const result = await harness.call('auth.signIn', 'mutation', { email, password }, { origin: testOrigin });
    expect(result.status).toBe(200);
    const cookie = cookieFrom(result.headers);
    presented.push(cookie.split('=')[1] ?? '');
    return { cookie, csrf: (result.data as { csrfToken: string }).csrfToken };
  }

  beforeAll(async () => {
    database = await createTestDatabase({ name: 'web_security' });
    harness = createHttpHarness({ database, fetchSchedule: async () => '<schedule/>' });
    const { deps } = harness;
    const seeded = await seedDemo(database.db, { now: new Date('2026-06-01T10:00:00Z') });
    ids.confA = seeded.conferenceId;
    ids.roomA = seeded.roomIds[0] ?? '';
    ids.talkA = seeded.talkIds[0] ?? '';
    const confB = await deps.conferenceWrites.create({
      slug: 'other-conf',
      name: 'Other Conf',
      timeZone: 'UTC',
      startsOn: '2026-07-01',
      endsOn: '2026-07-02',
    });
    ids.confB = confB.id;
    ids.roomB = (await deps.roomRepo.create({ conferenceId: confB.id, slug: 'b-room', name: 'B Room' })).id;
    ids.talkB = (
      await deps.catalog.createTalk({
        conferenceId: confB.id,
        roomId: ids.roomB,
        guid: 'b-talk',
        title: 'B talk',
        startsAt: new Date('2026-07-01T10:00:00Z'),
        durationSeconds: 1800,
      })
    ).id;
    ids.admin = (
      await deps.userRepo.create({
        email: 'root@example.org',
        name: 'Root',
        isAdmin: true,
        passwordHash: await hashPassword(secrets.adminPassword),
      })
    ).id;
    ids.organizer = (
      await deps.userRepo.create({
        email: 'org@example.org',
        name: 'Org',
        passwordHash: await hashPassword(secrets.organizerPassword),
      })
    ).id;
    await deps.userRepo.addMembership(ids.organizer, ids.confA);
    const other = await deps.authService.createApiToken(ids.admin, 'admin token', null);
    ids.otherToken = other.view.id;
    presented.push(other.token);
    admin = await signIn('root@example.org', secrets.adminPassword);
    organizer = await signIn('org@example.org', secrets.organizerPassword);
  });
  afterAll(async () => {
    await database?.drop();
  });

  /** Valid inputs aimed at conference B (the organizer's foreign conference); every mutation needs one. */
  const foreignInputs: Record<string, () => unknown> = {
    'user.create': () => ({ email: 'x@example.org', name: 'X', isAdmin: true }),
    'user.update': () => ({ id: ids.organizer, isAdmin: true }),
    'user.resetPassword': () => ({ id: ids.admin }),
    'user.addMembership': () => ({ userId: ids.organizer, conferenceId: ids.confB }),
    'user.removeMembership': () => ({ userId: ids.organizer, conferenceId: ids.confA }),
    'adminConference.create': () => ({
      slug: 'new-conf',
      name: 'N',
      timeZone: 'UTC',
      startsOn: '2026-01-01',
      endsOn: '2026-01-01',
    }),
    'adminConference.update': () => ({ conferenceId: ids.confB, changes: { name: 'hijacked' } }),
    'adminConference.delete': () => ({ conferenceId: ids.confB }),
    'room.create': () => ({ conferenceId: ids.confB, slug: 'evil', name: 'Evil' }),
    'room.update': () => ({ roomId: ids.roomB, name: 'hijacked' }),
    'room.delete': () => ({ roomId: ids.roomB }),
    'talk.create': () => ({
      conferenceId: ids.confB,
      roomId: null,
      title: 'T',
      startsAt: new Date(),
      durationMinutes: 10,
    }),
    'talk.update': () => ({ talkId: ids.talkB, title: 'hijacked' }),
    'talk.delete': () => ({ talkId: ids.talkB }),
    'talk.removeVideo': () => ({ talkId: ids.talkB }),
    'scheduleImport.preview': () => ({ conferenceId: ids.confB, source: { kind: 'text', text: '<schedule/>' } }),
    'scheduleImport.apply': () => ({
      conferenceId: ids.confB,
      source: { kind: 'text', text: '<schedule/>' },
      documentSha256: '0'.repeat(64),
    }),
    'live.start': () => ({ roomId: ids.roomB, role: 'broadcast' }),
    'live.stop': () => ({ roomId: ids.roomB, role: 'broadcast' }),
    'live.setLayout': () => ({ roomId: ids.roomB, layout: 'grid' }),
    'live.playoutControl': () => ({ roomId: ids.roomB, action: 'pause', waitMs: 0 }),
  };

  it('every mutation declares its access, and only the listed ones are public or self-service', () => {
    expect(mutations.length).toBeGreaterThanOrEqual(24);
    for (const { path, access } of mutations) expect(access, path).toBeDefined();
    expect(
      mutations
        .filter((m) => m.access === 'public')
        .map((m) => m.path)
        .sort(),
    ).toEqual(publicMutations.sort());
    expect(
      mutations
        .filter((m) => m.access === 'signed-in')
        .map((m) => m.path)
        .sort(),
    ).toEqual(selfMutations.sort());
    const guarded = mutations.filter((m) => m.access === 'admin' || m.access === 'conference').map((m) => m.path);
    expect(guarded.sort()).toEqual(Object.keys(foreignInputs).sort());
  });

  it('refuses every non-public mutation without credentials (401), whatever the input', async () => {
    for (const { path } of mutations.filter((m) => m.access !== 'public')) {
      for (const input of [{}, foreignInputs[path]?.()]) {
        const result = await harness.call(path, 'mutation', input, { origin: testOrigin });
        expect([path, result.status, result.code]).toEqual([path, 401, 'UNAUTHORIZED']);
      }
    }
  });

  it('refuses every non-public mutation sent with a session cookie but without the CSRF token (403)', async () => {
    for (const { path } of mutations.filter((m) => m.access !== 'public')) {
      const result = await harness.call(path, 'mutation', foreignInputs[path]?.() ?? {}, {
        cookie: admin.cookie,
        origin: testOrigin,
      });
      expect([path, result.status]).toEqual([path, 403]);
    }
  });

  it('refuses an organizer every admin mutation and every mutation on a conference they do not organize (403)', async () => {
    for (const [path, input] of Object.entries(foreignInputs)) {
      const type = mutations.find((m) => m.path === path)?.access;
      const result = await harness.call(path, 'mutation', input(), sessionHeaders(organizer.cookie, organizer.csrf));
      expect([path, type, result.status, result.code]).toEqual([path, type, 403, 'FORBIDDEN']);
    }
    // Nothing in conference B changed.
    expect((await harness.deps.catalog.getConference(ids.confB)).name).toBe('Other Conf');
    expect((await harness.deps.roomRepo.getById(ids.roomB)).name).toBe('B Room');
    expect((await harness.deps.talkRepo.getById(ids.talkB)).title).toBe('B talk');
    // Self-service mutations cannot reach other users' objects.
    const revoke = await harness.call(
      'apiToken.revoke',
      'mutation',
      { id: ids.otherToken },
      sessionHeaders(organizer.cookie, organizer.csrf),
    );
    expect(revoke.status).toBe(404);
  });

  it('lets the organizer work on their own conference (the checks are not blanket refusals)', async () => {
    const own = await harness.call(
      'room.update',
      'mutation',
      { roomId: ids.roomA, name: 'Main Hall' },
      sessionHeaders(organizer.cookie, organizer.csrf),
    );
    expect(own.status).toBe(200);
    const queryForeign = await harness.call(
      'room.list',
      'query',
      { conferenceId: ids.confB },
      { cookie: organizer.cookie },
    );
    expect(queryForeign.status).toBe(403);
    const list = await harness.call('adminConference.list', 'query', undefined, { cookie: organizer.cookie });
    expect((list.data as { conferences: { id: string }[] }).conferences.map((c) => c.id)).toEqual([ids.confA]);
  });

  it('never returns room passwords, JWTs, stream keys, password hashes, session ids or API tokens', async () => {
    const asAdmin = sessionHeaders(admin.cookie, admin.csrf);
    const created = await harness.call(
      'room.create',
      'mutation',
      {
        conferenceId: ids.confA,
        slug: 'secret-room',
        name: 'Secret Room',
        meetingUrl: `https://meet.example.org/secret?jwt=${secrets.urlJwt}`,
        jitsi: { roomPassword: secrets.roomPassword, jwt: secrets.jwt },
        outputs: [
          { kind: 'rtmp', url: 'rtmp://live.example.org/app', streamKey: secrets.rtmpKey },
          { kind: 'srt', url: 'srt://srt.example.org:9000', streamId: secrets.srtStreamId },
          { kind: 'rtmp', url: `rtmp://cdn.example.org/live2/${secrets.rtmpKey}-inpath` },
        ],
      },
      asAdmin,
    );
    expect(created.status).toBe(200);
    const room = created.data as {
      id: string;
      jitsi: { hasJwt: boolean; hasRoomPassword: boolean };
      outputs: { hasSecret: boolean }[];
    };
    expect(room.jitsi).toMatchObject({ hasJwt: true, hasRoomPassword: true });
    expect(room.outputs.map((o) => o.hasSecret)).toEqual([true, true, true]);
    // Editing without touching the secrets keeps them (write-only fields).
    const updated = await harness.call(
      'room.update',
      'mutation',
      { roomId: room.id, name: 'Secret Room 2', outputs: [{ keepIndex: 0 }] },
      asAdmin,
    );
    expect(updated.status).toBe(200);
    const stored = await harness.deps.roomRepo.getById(room.id);
    expect(stored.jitsiCredentials).toEqual({ roomPassword: secrets.roomPassword, jwt: secrets.jwt });
    expect(stored.broadcastOutputs).toEqual([
      { kind: 'rtmp', url: 'rtmp://live.example.org/app', streamKey: secrets.rtmpKey },
    ]);
    await harness.call(
      'room.update',
      'mutation',
      {
        roomId: room.id,
        outputs: [{ keepIndex: 0 }, { kind: 'srt', url: 'srt://srt.example.org:9000', streamId: secrets.srtStreamId }],
      },
      asAdmin,
    );

    const queryInputs: Record<string, unknown> = {
      'conference.list': undefined,
      'conference.bySlug': { slug: 'stagecast-demo' },
      'health.check': undefined,
      'auth.me': undefined,
      'apiToken.list': undefined,
      'user.list': undefined,
      'adminConference.list': undefined,
      'adminConference.get': { conferenceId: ids.confA },
      'room.list': { conferenceId: ids.confA },
      'talk.list': { conferenceId: ids.confA },
      'live.status': { conferenceId: ids.confA },
      'watch.room': { publicSlug: stored.publicSlug },
    };
    // A new query must be added here, so its output is checked too.
    expect(queries.sort()).toEqual(Object.keys(queryInputs).sort());
    const texts = [created.text, updated.text];
    for (const path of queries) {
      const result = await harness.call(path, 'query', queryInputs[path], { cookie: admin.cookie });
      texts.push(result.text);
    }
    const all = texts.join('\n');
    for (const value of [...Object.values(secrets), '$argon2id$', ...presented]) {
      expect(all, `a response leaked ${value.slice(0, 12)}…`).not.toContain(value);
    }
  });

  it('never writes those secrets to the log', () => {
    const logs = harness.logText.join('\n');
    expect(logs).toContain('tRPC mutation'); // refusals were logged, so the check below looks at real output
    for (const value of [...Object.values(secrets), '$argon2id$', ...presented]) {
      expect(logs, `the log leaked ${value.slice(0, 12)}…`).not.toContain(value);
    }
  });
});

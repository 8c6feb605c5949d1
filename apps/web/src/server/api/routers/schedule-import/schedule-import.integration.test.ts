import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../../auth/password.js';
import { createHttpHarness } from '../../testing/http-harness.js';

// Schedule import preview → apply through the API on real Postgres, with a realistic pretalx document.
const fixture = readFileSync(
  fileURLToPath(new URL('../../../../../../../packages/schedule/test/fixtures/pretalx-chatham.xml', import.meta.url)),
  'utf8',
);

describe('schedule import on Postgres', () => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHttpHarness>;
  let bearer: Record<string, string>;
  let conferenceId: string;
  const served = new Map<string, string>();

  beforeAll(async () => {
    database = await createTestDatabase({ name: 'web_schedule_import' });
    harness = createHttpHarness({
      database,
      fetchSchedule: async (url) => {
        const text = served.get(url);
        if (text === undefined) throw new Error(`not served: ${url}`);
        return text;
      },
    });
    const { deps } = harness;
    const user = await deps.userRepo.create({
      email: 'org@example.org',
      name: 'Org',
      passwordHash: await hashPassword('organizer password 1'),
    });
    conferenceId = (
      await deps.conferenceWrites.create({
        slug: 'hui',
        name: 'Hui',
        timeZone: 'Pacific/Chatham',
        startsOn: '2026-04-03',
        endsOn: '2026-04-06',
      })
    ).id;
    await deps.userRepo.addMembership(user.id, conferenceId);
    await deps.roomRepo.create({ conferenceId, slug: 'main-hall', name: 'Main Hall' });
    await deps.roomRepo.create({ conferenceId, slug: 'workshop', name: 'Workshop Room' });
    const { token } = await deps.authService.createApiToken(user.id, 'import test', null);
    bearer = { authorization: `Bearer ${token}` };
  });
  afterAll(async () => {
    await database?.drop();
  });

  const preview = (text: string, roomMapping: Record<string, string> = {}) =>
    harness.call(
      'scheduleImport.preview',
      'mutation',
      { conferenceId, source: { kind: 'text', text }, roomMapping },
      bearer,
    );
  const apply = (text: string, roomMapping: Record<string, string>, documentSha256: string) =>
    harness.call(
      'scheduleImport.apply',
      'mutation',
      { conferenceId, source: { kind: 'text', text }, roomMapping, documentSha256 },
      bearer,
    );
  const talkCount = async () => (await harness.deps.talkRepo.listByConference(conferenceId)).length;

  type Preview = {
    documentSha256: string;
    needsMapping: boolean;
    rooms: { name: string; target: string | null; talkCount: number }[];
    plan: null | {
      create: { title: string }[];
      update: { title: string; changes: { field: string; from: string; to: string }[] }[];
      unchanged: unknown[];
      removedUpstream: { title: string }[];
    };
  };

  it('previews rooms with a mapping suggestion and asks for the unmatched one; stores nothing', async () => {
    const result = await preview(fixture);
    expect(result.status).toBe(200);
    const data = result.data as Preview;
    expect(data.rooms).toEqual([
      { name: 'Main Hall', talkCount: 6, target: 'main-hall', newRoomSlug: 'main-hall' },
      { name: 'Whare Kōrero', talkCount: 3, target: null, newRoomSlug: 'whare-korero' },
      // Matched by name, although the slug differs.
      { name: 'Workshop Room', talkCount: 1, target: 'workshop', newRoomSlug: 'workshop-room' },
    ]);
    expect(data.needsMapping).toBe(true);
    expect(data.plan).toBeNull();
    expect(await talkCount()).toBe(0);
  });

  it('plans and applies in one go: new room created, every talk stored, the same document re-imports as unchanged', async () => {
    const mapping = { 'Whare Kōrero': '__create' };
    const planned = (await preview(fixture, mapping)).data as Preview;
    expect(planned.needsMapping).toBe(false);
    expect(planned.plan?.create).toHaveLength(10);
    expect(await talkCount()).toBe(0);

    const stale = await apply(fixture, mapping, 'f'.repeat(64));
    expect([stale.status, stale.code]).toEqual([409, 'CONFLICT']);
    expect(stale.text).toContain('preview it again');

    const applied = await apply(fixture, mapping, planned.documentSha256);
    expect(applied.status).toBe(200);
    expect(applied.data).toMatchObject({ created: 10, updated: 0, unchanged: 0, createdRooms: ['whare-korero'] });
    expect(await talkCount()).toBe(10);
    const rooms = await harness.deps.catalog.listRooms(conferenceId);
    expect(rooms.map((r) => r.slug).sort()).toEqual(['main-hall', 'whare-korero', 'workshop']);

    const again = (await preview(fixture)).data as Preview;
    expect(again.rooms.find((r) => r.name === 'Whare Kōrero')?.target).toBe('whare-korero');
    expect(again.plan).toMatchObject({ create: [], update: [], removedUpstream: [] });
    expect(again.plan?.unchanged).toHaveLength(10);
  });

  it('shows field changes and talks removed upstream, and never deletes them', async () => {
    const changed = fixture
      .replace('<title>Closing</title>', '<title>Closing ceremony</title>')
      .replace(/<event guid="c1d0e000-0000-4000-8000-000000000003"[\s\S]*?<\/event>/, '');
    const planned = (await preview(changed)).data as Preview;
    expect(planned.plan?.update).toEqual([
      expect.objectContaining({
        title: 'Closing ceremony',
        changes: [{ field: 'title', from: 'Closing', to: 'Closing ceremony' }],
      }),
    ]);
    expect(planned.plan?.removedUpstream).toHaveLength(1);
    const applied = await apply(changed, {}, planned.documentSha256);
    expect(applied.data).toMatchObject({ created: 0, updated: 1, unchanged: 8 });
    expect((applied.data as { removedUpstream: unknown[] }).removedUpstream).toHaveLength(1);
    expect(await talkCount()).toBe(10);
  });

  it('stores nothing when the apply fails (rooms created for it are rolled back too)', async () => {
    // A zero-length slot parses, but cannot be stored: the whole import, including the new room, must roll back.
    const broken = fixture
      .replace(/<duration>02:00<\/duration>/, '<duration>00:00</duration>')
      .replace(/Whare Kōrero/g, 'Marae Hall');
    const mapping = { 'Marae Hall': '__create' };
    const planned = (await preview(broken, mapping)).data as Preview;
    const before = await harness.deps.talkRepo.listByConference(conferenceId);
    const failed = await apply(broken, mapping, planned.documentSha256);
    expect([failed.status, failed.code]).toEqual([400, 'BAD_REQUEST']);
    expect(failed.text).toContain('zero-length slot');
    expect((await harness.deps.catalog.listRooms(conferenceId)).map((r) => r.slug)).not.toContain('marae-hall');
    expect(await harness.deps.talkRepo.listByConference(conferenceId)).toEqual(before);
  });

  it('reports malformed documents with their line, and imports from a URL', async () => {
    const bad = await preview(fixture.replace('</title>', '</titel>'));
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/line \d+/);
    served.set('https://pretalx.example.org/hui/schedule.xml', fixture);
    const viaUrl = await harness.call(
      'scheduleImport.preview',
      'mutation',
      { conferenceId, source: { kind: 'url', url: 'https://pretalx.example.org/hui/schedule.xml' }, roomMapping: {} },
      bearer,
    );
    expect(viaUrl.status).toBe(200);
    expect((viaUrl.data as Preview).plan?.unchanged.length).toBeGreaterThan(0);
    const notSchedule = await harness.call(
      'scheduleImport.preview',
      'mutation',
      { conferenceId, source: { kind: 'url', url: 'ftp://example.org/x' } },
      bearer,
    );
    expect(notSchedule.status).toBe(400);
  });
});

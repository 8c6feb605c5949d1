import { createHash } from 'node:crypto';
import { applyScheduleImport, createRoomRepository, DbError, type Db, type Room, type Talk } from '@stagecast/db';
import { mapRooms, parseSchedule, planImport, type FieldChange, type Schedule } from '@stagecast/schedule';
import type { Context } from '../../trpc.js';
import {
  CREATE_ROOM,
  IGNORE_ROOM,
  type ApplyInput,
  type PreviewInput,
  type PreviewOutput,
} from './schedule-import.schema.js';

type Ctx = Context & { conferenceId: string };

/** A slug for a schedule room name ("Saal 1" → "saal-1"). */
export function slugifyRoomName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug || 'room';
}

async function loadDocument(ctx: Context, source: PreviewInput['source']): Promise<string> {
  return source.kind === 'text' ? source.text : ctx.fetchSchedule(source.url);
}

/** The stored talk in the shape planImport compares (only fields we store; see plan-import.ts). */
function comparable(talk: Talk, roomSlugById: Map<string, string>) {
  return {
    guid: talk.guid,
    externalId: talk.externalId,
    title: talk.title,
    subtitle: talk.subtitle,
    speakers: talk.speakers.map((s) => ({ name: s.name, id: s.id ?? null })),
    roomKey: talk.roomId ? (roomSlugById.get(talk.roomId) ?? null) : null,
    start: { epochMs: talk.startsAt.getTime(), utc: talk.startsAt.toISOString() },
    durationSeconds: talk.durationSeconds,
    language: talk.language,
    recordingOptOut: talk.recordingOptOut,
  };
}

function display(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'object' && v && 'name' in v ? v.name : String(v))).join(', ');
  return String(value);
}

interface Analysis {
  schedule: Schedule;
  sha256: string;
  rooms: Room[];
  /** Schedule room name → resolved target (slug / __create / __ignore) or null. */
  targets: Map<string, string | null>;
  newRoomSlugs: Map<string, string>;
}

async function analyse(ctx: Ctx, input: PreviewInput): Promise<Analysis> {
  const text = await loadDocument(ctx, input.source);
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const conference = await ctx.catalog.getConference(ctx.conferenceId);
  const schedule = parseSchedule(text, { defaultTimeZone: conference.timeZone });
  const rooms = await ctx.catalog.listRooms(ctx.conferenceId);
  const bySlug = new Map(rooms.map((r) => [r.slug, r]));
  const targets = new Map<string, string | null>();
  const newRoomSlugs = new Map<string, string>();
  for (const room of schedule.rooms) {
    const suggested = slugifyRoomName(room.name);
    newRoomSlugs.set(room.name, suggested);
    const chosen = input.roomMapping[room.name];
    if (chosen === IGNORE_ROOM || chosen === CREATE_ROOM || (chosen !== undefined && bySlug.has(chosen))) {
      targets.set(room.name, chosen);
    } else {
      // Default: an existing room with the same slug or (case-insensitive) name.
      const match = rooms.find((r) => r.slug === suggested || r.name.toLowerCase() === room.name.toLowerCase());
      targets.set(room.name, match?.slug ?? null);
    }
  }
  return { schedule, sha256, rooms, targets, newRoomSlugs };
}

function roomKeyOf(analysis: Analysis, name: string): string | null {
  const target = analysis.targets.get(name) ?? null;
  if (target === CREATE_ROOM) return analysis.newRoomSlugs.get(name) ?? null;
  if (target === IGNORE_ROOM) return null;
  return target;
}

function buildPlan(analysis: Analysis, stored: Talk[]) {
  const mapping: Record<string, string> = {};
  const ignoreRooms: string[] = [];
  for (const [name, target] of analysis.targets) {
    const key = roomKeyOf(analysis, name);
    if (key) mapping[name] = key;
    else if (target === IGNORE_ROOM) ignoreRooms.push(name);
  }
  const mapped = mapRooms(analysis.schedule, mapping, { ignoreRooms });
  const roomSlugById = new Map(analysis.rooms.map((r) => [r.id, r.slug]));
  const plan = planImport(
    stored.map((t) => comparable(t, roomSlugById)),
    mapped.talks,
  );
  return { plan, mapped };
}

export async function previewHandler({ ctx, input }: { ctx: Ctx; input: PreviewInput }): Promise<PreviewOutput> {
  const analysis = await analyse(ctx, input);
  const { schedule } = analysis;
  const talkCounts = new Map<string, number>();
  for (const talk of schedule.talks) talkCounts.set(talk.room, (talkCounts.get(talk.room) ?? 0) + 1);
  const needsMapping = schedule.rooms.some(
    (r) => (talkCounts.get(r.name) ?? 0) > 0 && analysis.targets.get(r.name) === null,
  );
  let plan: PreviewOutput['plan'] = null;
  if (!needsMapping) {
    const stored = await ctx.talkRepo.listByConference(ctx.conferenceId);
    const { plan: p } = buildPlan(analysis, stored);
    const row = (t: {
      guid: string;
      title: string;
      room: string;
      start: { epochMs: number };
      durationSeconds: number;
    }) => ({
      guid: t.guid,
      title: t.title,
      room: t.room,
      startsAt: new Date(t.start.epochMs),
      durationMinutes: Math.round(t.durationSeconds / 60),
    });
    plan = {
      create: p.create.map(row),
      update: p.update.map((u) => ({
        ...row(u.incoming),
        changes: u.changes
          .filter((c: FieldChange) => c.field !== 'room')
          .map((c: FieldChange) => ({ field: c.field, from: display(c.from), to: display(c.to) })),
      })),
      unchanged: p.unchanged.map((u) => row(u.incoming)),
      removedUpstream: p.removedUpstream.map((r) => ({
        guid: r.guid,
        title: r.existing.title,
        likelyReplacedBy: r.likelyReplacedBy?.guid ?? null,
      })),
    };
  }
  return {
    documentSha256: analysis.sha256,
    format: schedule.format,
    version: schedule.version,
    scheduleTitle: schedule.conference.title,
    scheduleTimeZone: schedule.conference.timeZone,
    rooms: schedule.rooms.map((r) => ({
      name: r.name,
      talkCount: talkCounts.get(r.name) ?? 0,
      target: analysis.targets.get(r.name) ?? null,
      newRoomSlug: analysis.newRoomSlugs.get(r.name) ?? slugifyRoomName(r.name),
    })),
    availableRooms: analysis.rooms.map((r) => ({ slug: r.slug, name: r.name })),
    needsMapping,
    plan,
    warnings: schedule.warnings.map((w) => `${w.line === undefined ? '' : `line ${w.line}: `}${w.message}`),
  };
}

/**
 * Re-reads the document, checks it is the one previewed, then creates the rooms chosen as "new" and applies the plan
 * with @stagecast/db's applyScheduleImport — all in ONE transaction, so a failure stores nothing. Talks missing upstream
 * are reported, never deleted.
 */
export async function applyHandler({ ctx, input }: { ctx: Ctx; input: ApplyInput }) {
  const analysis = await analyse(ctx, input);
  if (analysis.sha256 !== input.documentSha256) {
    throw new DbError('stale-state', 'the schedule changed since the preview; preview it again before applying');
  }
  const unmapped = [...analysis.targets].filter(
    ([name, target]) => target === null && analysis.schedule.talks.some((t) => t.room === name),
  );
  if (unmapped.length > 0) {
    throw DbError.invalidInput(
      'schedule import',
      `choose a room (or "ignore") for ${unmapped.map(([name]) => `"${name}"`).join(', ')}`,
    );
  }
  const stored = await ctx.talkRepo.listByConference(ctx.conferenceId);
  const { plan } = buildPlan(analysis, stored);
  const toCreate = [...analysis.targets]
    .filter(([, target]) => target === CREATE_ROOM)
    .map(([name]) => ({ name, slug: analysis.newRoomSlugs.get(name) ?? slugifyRoomName(name) }));
  const result = await ctx.db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    const rooms = createRoomRepository(txDb);
    for (const room of toCreate) {
      if (!analysis.rooms.some((r) => r.slug === room.slug)) {
        await rooms.create({ conferenceId: ctx.conferenceId, slug: room.slug, name: room.name });
      }
    }
    return applyScheduleImport(txDb, {
      conferenceId: ctx.conferenceId,
      plan,
      sourceVersion: analysis.schedule.version ?? `sha256:${analysis.sha256.slice(0, 16)}`,
    });
  });
  ctx.log.info(
    { conferenceId: ctx.conferenceId, created: result.created.length, updated: result.updated.length },
    'schedule imported',
  );
  return {
    importId: result.importId,
    created: result.created.length,
    updated: result.updated.length,
    unchanged: result.unchanged,
    createdRooms: toCreate.map((r) => r.slug),
    removedUpstream: result.removedUpstream.map((r) => ({ guid: r.guid, title: r.title })),
  };
}

/**
 * The broadcast role on real parts: real Postgres (room row, room_controls), the testbed (Prosody + test focus +
 * forwarding bridge with real RTP), two publishing participants, the real startBroadcast composite engine, local HLS
 * and HTTP PUT to the nginx origin. Checks the status the admin page reads, the layout switch from room_controls,
 * PROGRAM-DATE-TIME on the origin, and EOS + #EXT-X-ENDLIST on stop.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createConferenceRepository, createRoomControlsRepository, createRoomRepository } from '@stagecast/db';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { silentLogger } from '@stagecast/jobs';
import { startBroadcast, startParticipant, type ParticipantHandle } from '@stagecast/participant';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createBroadcastRunner } from './broadcast.runner.js';
import { createStageData } from './stage-data.js';
import type { StageJob, StageStatusReport } from './types.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stage-broadcast-'));
let tdb: TestDatabase;
let tb: Testbed;
let originHls: string;
const speakers: ParticipantHandle[] = [];

beforeAll(async () => {
  const nginx = join(root, 'scripts/services/nginx.sh');
  execFileSync('bash', [nginx, 'start'], { stdio: 'ignore', timeout: 60_000 });
  originHls = /STAGECAST_ORIGIN_HLS_URL=(\S+)/.exec(execFileSync('bash', [nginx, 'env']).toString())![1]!;
  tdb = await createTestDatabase({ name: 'stage-broadcast' });
  tb = await startTestbed({ singleParticipantTimeoutMs: 120_000 });
}, 180_000);

afterAll(async () => {
  for (const s of speakers) await s.close().catch(() => {});
  await tb?.close();
  await tdb?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

const latest = (reports: StageStatusReport[]) =>
  Object.assign({}, ...reports.map((r) => r.stats ?? {})) as {
    participants?: number;
    bitrateKbps?: number;
    layout?: string;
    composite?: { shown: string; sources: number } | null;
    hls?: { segments: number; origin: { healthy: boolean; uploaded: number } | null } | null;
  };

describe('broadcast runner (testbed, real media, real Postgres, nginx origin)', () => {
  it('composites the room to HLS + origin, reports status, follows room_controls, ends the playlist on stop', async () => {
    const name = `stage-bc-${randomBytes(3).toString('hex')}`;
    const meetingUrl = tb.meetingUrl(name);
    const conference = await createConferenceRepository(tdb.db).create({
      slug: name,
      name,
      timeZone: 'Europe/Berlin',
      startsOn: '2030-06-01',
      endsOn: '2030-06-02',
    });
    const room = await createRoomRepository(tdb.db).create({
      conferenceId: conference.id,
      slug: 'main',
      name: 'Main',
      meetingUrl,
      broadcastOutputs: [
        {
          kind: 'hls',
          publicUrl: `${originHls}/${name}/index.m3u8`,
          ingestUrl: `${originHls}/${name}/`,
          directory: name,
        },
      ],
    });
    for (const [nick, pattern] of [
      ['Ada', 'smpte'],
      ['Linus', 'ball'],
    ] as const) {
      speakers.push(
        await startParticipant({
          meeting: { meetingUrl, displayName: nick },
          media: { send: { source: { kind: 'test', width: 320, height: 180, framerate: 15, pattern } } },
        }),
      );
    }

    const runner = createBroadcastRunner({
      data: createStageData(tdb.db),
      outputRoot: dir,
      start: startBroadcast,
      composite: { canvas: { width: 640, height: 360, fps: 15 }, video: { bitrate: 600_000 } },
      statusIntervalMs: 1000,
      layoutPollMs: 500,
    });
    const now = Date.now();
    const job: StageJob = {
      jobRecordId: '00000000-0000-4000-8000-000000000001',
      bossJobId: 'abcdef12-0000-4000-8000-000000000001',
      roomId: room.id,
      talkId: null,
      role: 'broadcast',
      startsAtMs: now,
      durationSeconds: 600,
      runUntilMs: now + 600_000,
      talk: null,
      room: { slug: 'main', name: 'Main', meetingUrl },
      conferenceTimeZone: 'Europe/Berlin',
      attempt: 1,
    };
    const reports: StageStatusReport[] = [];
    const controller = new AbortController();
    const run = runner.run(job, {
      signal: controller.signal,
      logger: silentLogger,
      reportStatus: async (r) => void reports.push(r),
    });
    const failed = run.then(
      () => new Error('the runner resolved before it was stopped'),
      (e: unknown) => e,
    );
    const waitFor = async (what: () => void, timeout: number) => {
      await vi.waitFor(
        async () => {
          const early = await Promise.race([failed, new Promise((r) => setTimeout(() => r(null), 10))]);
          if (early) throw new Error(`broadcast ended early: ${String(early)}`);
          what();
        },
        { timeout, interval: 500 },
      );
    };

    await waitFor(() => {
      const s = latest(reports);
      expect(s.participants).toBe(2);
      expect(s.composite).toMatchObject({ sources: 4 });
      expect(s.hls?.segments).toBeGreaterThanOrEqual(3);
      expect(s.bitrateKbps).toBeGreaterThan(0);
      expect(s.hls?.origin).toMatchObject({ healthy: true });
    }, 180_000);
    expect(reports.find((r) => r.state === 'running')).toBeDefined();
    expect(latest(reports).layout).toBe('auto');

    const controls = createRoomControlsRepository(tdb.db);
    await controls.setLayout(room.id, 'grid', null);
    await waitFor(
      () => expect(latest(reports)).toMatchObject({ layout: 'grid', composite: { shown: 'grid' } }),
      60_000,
    );
    await controls.setLayout(room.id, 'countdown', null);
    await waitFor(
      () => expect(latest(reports)).toMatchObject({ layout: 'countdown', composite: { shown: 'slate' } }),
      60_000,
    );

    const live = await (await fetch(`${originHls}/${name}/index.m3u8`)).text();
    expect(live).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    expect(live).not.toMatch(/^#EXT-X-DISCONTINUITY$/m);

    controller.abort('stopped');
    await run;
    expect(reports.some((r) => r.state === 'stopping')).toBe(true);
    expect(readFileSync(join(dir, name, 'index.m3u8'), 'utf8')).toContain('#EXT-X-ENDLIST');
    expect(await (await fetch(`${originHls}/${name}/index.m3u8`)).text()).toContain('#EXT-X-ENDLIST');
  }, 480_000);
});

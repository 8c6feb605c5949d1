import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@stagecast/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password.js';
import { createHttpHarness, testOrigin } from '../api/testing/http-harness.js';
import { handleVideoUpload } from './upload-route.js';

// Talk video upload through the real route logic: streamed to disk, probed by gst-discoverer-1.0, recorded in Postgres.
describe('talk video upload (GStreamer discoverer, Postgres)', () => {
  let database: TestDatabase;
  let harness: ReturnType<typeof createHttpHarness>;
  let dir: string;
  let storageDir: string;
  let talkId: string;
  let foreignTalkId: string;
  let bearer: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stagecast-upload-'));
    storageDir = join(dir, 'storage');
    // 2 s of VP8 + Opus in WebM, and an H.264 MP4, both generated here.
    execFileSync(
      'gst-launch-1.0',
      [
        '-q',
        'videotestsrc',
        'num-buffers=50',
        '!',
        'video/x-raw,width=320,height=240,framerate=25/1',
        '!',
        'vp8enc',
        'deadline=1',
        '!',
        'webmmux',
        'name=m',
        '!',
        'filesink',
        `location=${join(dir, 'talk.webm')}`,
        'audiotestsrc',
        'num-buffers=100',
        'samplesperbuffer=960',
        '!',
        'audio/x-raw,rate=48000',
        '!',
        'opusenc',
        '!',
        'm.',
      ],
      { timeout: 60_000 },
    );
    execFileSync(
      'gst-launch-1.0',
      [
        '-q',
        '-e',
        'videotestsrc',
        'num-buffers=30',
        '!',
        'video/x-raw,width=160,height=120,framerate=30/1',
        '!',
        'x264enc',
        'speed-preset=ultrafast',
        '!',
        'mp4mux',
        '!',
        'filesink',
        `location=${join(dir, 'talk.mp4')}`,
      ],
      { timeout: 60_000 },
    );
    writeFileSync(join(dir, 'broken.mp4'), Buffer.alloc(20_000, 7));
    database = await createTestDatabase({ name: 'web_video_upload' });
    harness = createHttpHarness({ database });
    const { deps } = harness;
    const user = await deps.userRepo.create({
      email: 'org@example.org',
      name: 'Org',
      passwordHash: await hashPassword('organizer password 1'),
    });
    const conference = await deps.conferenceWrites.create({
      slug: 'c',
      name: 'C',
      timeZone: 'UTC',
      startsOn: '2026-01-01',
      endsOn: '2026-01-02',
    });
    const other = await deps.conferenceWrites.create({
      slug: 'o',
      name: 'O',
      timeZone: 'UTC',
      startsOn: '2026-01-01',
      endsOn: '2026-01-02',
    });
    await deps.userRepo.addMembership(user.id, conference.id);
    talkId = (
      await deps.catalog.createTalk({
        conferenceId: conference.id,
        guid: 'g1',
        title: 'T',
        startsAt: new Date('2026-01-01T10:00:00Z'),
        durationSeconds: 60,
      })
    ).id;
    foreignTalkId = (
      await deps.catalog.createTalk({
        conferenceId: other.id,
        guid: 'g2',
        title: 'F',
        startsAt: new Date('2026-01-01T10:00:00Z'),
        durationSeconds: 60,
      })
    ).id;
    bearer = { authorization: `Bearer ${(await deps.authService.createApiToken(user.id, 'upload', null)).token}` };
  });
  afterAll(async () => {
    await database?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function upload(
    file: string,
    type: string,
    headers: Record<string, string> = bearer,
    id = talkId,
    maxBytes = 50_000_000,
  ) {
    const body = readFileSync(join(dir, file));
    const request = new Request(`${testOrigin}/api/admin/talks/${id}/video`, {
      method: 'POST',
      body,
      headers: {
        'content-type': type,
        'x-file-name': encodeURIComponent(file),
        'content-length': String(body.length),
        ...headers,
      },
    });
    const response = await handleVideoUpload(request, id, harness.contextFor(request), { storageDir, maxBytes });
    return { status: response.status, body: (await response.json()) as Record<string, { [k: string]: unknown }> };
  }

  it('stores and probes a WebM (VP8/Opus): duration, codecs, size, slot comparison', async () => {
    const result = await upload('talk.webm', 'video/webm');
    expect(result.status).toBe(201);
    expect(Math.abs(Number(result.body.video?.durationMs) - 2000)).toBeLessThan(100);
    expect(result.body.video).toMatchObject({
      container: 'WebM',
      videoCodec: 'VP8',
      audioCodec: 'Opus',
      width: 320,
      height: 240,
      slotFit: 'shorter',
      slotDeltaSeconds: -58,
    });
    const talk = await harness.deps.talkRepo.getById(talkId);
    expect(talk.videoFile).toMatch(new RegExp(`^${storageDir}/talks/${talkId}/.+\\.webm$`));
    expect(existsSync(talk.videoFile ?? '')).toBe(true);
  });

  it('replaces the previous file with an MP4 (H.264) and deletes the old one', async () => {
    const before = (await harness.deps.talkRepo.getById(talkId)).videoFile ?? '';
    const result = await upload('talk.mp4', 'video/mp4');
    expect(result.status).toBe(201);
    expect(result.body.video).toMatchObject({
      durationMs: 1000,
      videoCodec: expect.stringContaining('H.264'),
      width: 160,
      height: 120,
    });
    expect(existsSync(before)).toBe(false);
    expect(readdirSync(join(storageDir, 'talks', talkId))).toHaveLength(1);
  });

  it('rejects a broken file, a wrong type and an oversized upload with a reason, keeping nothing', async () => {
    const broken = await upload('broken.mp4', 'video/mp4');
    expect(broken.status).toBe(422);
    expect(broken.body.error).toMatchObject({
      reason: 'video-unreadable',
      message: expect.stringContaining('not a readable video'),
    });
    const wrongType = await upload('broken.mp4', 'text/plain');
    expect([wrongType.status, wrongType.body.error?.reason]).toEqual([415, 'video-type-not-allowed']);
    const tooLarge = await upload('talk.webm', 'video/webm', bearer, talkId, 1000);
    expect([tooLarge.status, tooLarge.body.error?.reason]).toEqual([413, 'video-too-large']);
    // Only the accepted MP4 remains; no partial files.
    expect(readdirSync(join(storageDir, 'talks', talkId))).toEqual([expect.stringMatching(/\.mp4$/)]);
    expect((await harness.deps.talkVideos.listByTalkIds([talkId]))[0]?.videoCodec).toContain('H.264');
  });

  it('refuses anonymous, cross-site and foreign-conference uploads', async () => {
    expect((await upload('talk.webm', 'video/webm', {})).status).toBe(401);
    expect((await upload('talk.webm', 'video/webm', bearer, foreignTalkId)).status).toBe(403);
    expect(existsSync(join(storageDir, 'talks', foreignTalkId))).toBe(false);
  });
});

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HlsPublisher, sequenceBase } from './hls-publisher.js';
import { parsePlaylist } from './playlist.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** One run of a publisher into `dir`: `count` segments of `seconds` each from `startMs`; returns the final playlist. */
async function run(dir: string, startMs: number, count: number, seconds: number, epoch = true, dseq?: number) {
  const publisher = new HlsPublisher({
    directory: dir,
    targetDurationSeconds: 1,
    windowSize: 6,
    ...(epoch ? { sequenceEpoch: new Date(startMs) } : {}),
    ...(dseq === undefined ? {} : { firstDiscontinuitySequence: dseq }),
  });
  for (let i = 0; i < count; i++) {
    await publisher.addSegment({
      path: join(dir, `run${startMs}-${i}.ts`),
      durationSeconds: seconds,
      programDateTime: new Date(startMs + i * seconds * 1000),
    });
  }
  const live = publisher.livePlaylist;
  await publisher.close();
  return { live, written: await readFile(join(dir, 'index.m3u8'), 'utf8') };
}

describe('HlsPublisher sequence numbering across runs (takeover of a playlist URL)', () => {
  it('a later run continues above the earlier run, even with segments half the target long', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hls-seq-'));
    dirs.push(dir);
    const t0 = Date.parse('2026-11-21T10:00:00.000Z');
    // Run A: 1000 segments of 0.5 s (the shortest splitmuxsink cuts at a 1 s target would not go below), ends at +500 s.
    const a = parsePlaylist((await run(dir, t0, 1000, 0.5)).live);
    // Run B starts the instant A's last segment ended (a takeover cannot be faster).
    const b = parsePlaylist((await run(dir, t0 + 500_000, 3, 1)).live);
    const aLast = a.mediaSequence + a.segments.length - 1;
    expect(b.mediaSequence).toBeGreaterThan(aLast);
    expect(a.mediaSequence).toBe(sequenceBase(new Date(t0), 1) + 1000 - 6);
  });

  it("the written playlist carries the run's bases (MEDIA-SEQUENCE from the epoch, DISCONTINUITY-SEQUENCE as given)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hls-seq-'));
    dirs.push(dir);
    const t0 = Date.parse('2026-11-21T10:00:00.000Z');
    const { written } = await run(dir, t0, 2, 1, true, 1000);
    expect(written).toContain(`#EXT-X-MEDIA-SEQUENCE:${sequenceBase(new Date(t0), 1)}\n`);
    expect(written).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1000\n');
    expect(written.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    // Without an epoch a run starts at 0: what every run did before, so a takeover went backwards.
    expect(parsePlaylist((await run(dir, t0 + 60_000, 2, 1, false)).written).mediaSequence).toBe(0);
  });

  it('refuses an invalid epoch', () => {
    expect(() => sequenceBase(new Date(Number.NaN), 1)).toThrow(/sequenceEpoch must be a valid time/);
  });
});

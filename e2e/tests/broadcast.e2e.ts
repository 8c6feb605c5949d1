import { startBroadcastRoom, type BroadcastRoom } from '../fixtures/broadcast-room.js';
import { decodePng, imageStats } from '../fixtures/png.js';
import { expect, test } from '../fixtures/smoke.js';
import { seedWatchRoom, type SeededWatchRoom } from '../fixtures/watch.js';

/**
 * Issue 5's acceptance test, black box: a composite of 3 testbed participants (real Prosody + test focus + forwarding
 * bridge with media, each participant a `stagecast join` with its own test pattern and tone, one also sharing a
 * screen) made by `stagecast broadcast` → 1 s HLS segments PUT to nginx → the public /watch page of a seeded room plays
 * it in Chromium. While it plays, participants join and one leaves, and the layout switches grid → speaker →
 * screen-share → grid through the broadcast's control. Playback must start, run ≥20 s of media time without a stall,
 * and every playlist the player fetched must carry PROGRAM-DATE-TIME on every segment and no discontinuity.
 */
let room: BroadcastRoom | null = null;
let watch: SeededWatchRoom | null = null;

test.describe.configure({ mode: 'serial' });

// eslint-disable-next-line no-empty-pattern -- Playwright requires the fixtures argument to be destructured
test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(300_000);
  room = await startBroadcastRoom();
  watch = await seedWatchRoom({
    hlsUrl: room.playlistUrl,
    talks: [{ title: 'Composite on air', startsAt: new Date(Date.now() - 5 * 60_000), minutes: 30 }],
  });
});

// eslint-disable-next-line no-empty-pattern -- as above
test.afterAll(async ({}, testInfo) => {
  testInfo.setTimeout(180_000);
  if (room && testInfo.status !== 'passed') {
    for (const p of room.processes)
      await testInfo.attach(`${p.name}.log`, { body: p.output(), contentType: 'text/plain' });
  }
  await room?.stop();
  await watch?.remove();
  room = null;
  watch = null;
});

interface PlaybackEvent {
  type: string;
  t: number;
  currentTime: number;
}
interface PlaybackSample {
  t: number;
  currentTime: number;
  paused: boolean;
}

/** Checks one media playlist; returns what is wrong with it (empty = fine). */
function playlistProblems(text: string): string[] {
  const problems: string[] = [];
  if (!text.startsWith('#EXTM3U')) return [`not a playlist: ${text.slice(0, 80)}`];
  if (/^#EXT-X-DISCONTINUITY$/m.test(text)) problems.push('has EXT-X-DISCONTINUITY');
  if (/^#EXT-X-ENDLIST/m.test(text)) problems.push('has EXT-X-ENDLIST while live');
  let pdt: number | null = null;
  let previous: { pdt: number; duration: number } | null = null;
  let segments = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) pdt = Date.parse(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
    else if (line.startsWith('#EXTINF:')) {
      segments++;
      const duration = Number(line.slice('#EXTINF:'.length).split(',')[0]);
      if (pdt === null || Number.isNaN(pdt)) {
        problems.push(`segment ${segments} has no PROGRAM-DATE-TIME`);
      } else {
        // Wall time runs on with the media: PDT(n+1) = PDT(n) + duration(n), within 100 ms.
        if (previous && Math.abs(pdt - previous.pdt - previous.duration * 1000) > 100) {
          problems.push(
            `PDT gap of ${(pdt - previous.pdt - previous.duration * 1000).toFixed(0)} ms before segment ${segments}`,
          );
        }
        previous = { pdt, duration };
      }
      pdt = null;
    }
  }
  if (segments === 0) problems.push('no segments');
  return problems;
}

test('3 testbed participants composited to HLS on nginx: /watch plays ≥20 s without a stall while people join/leave and the layout switches', async ({
  page,
  pageErrors,
}, testInfo) => {
  test.setTimeout(900_000);
  const r = room!;
  const w = watch!;

  // The first speaker is in the room before the broadcast joins (so nobody times out alone in it).
  await r.join({ nick: 'Ada', pattern: 'smpte', frequency: 440 });
  await r.startBroadcast();
  await r.waitForBroadcast(/^layout grid: 1 tiles/m, 0, 180_000);
  await expect
    .poll(
      async () => {
        const response = await fetch(r.playlistUrl, { cache: 'no-store' });
        return response.ok ? ((await response.text()).match(/^#EXTINF:/gm)?.length ?? 0) : 0;
      },
      { timeout: 180_000, intervals: [1000] },
    )
    .toBeGreaterThanOrEqual(3);

  // Everything the player fetches, and what its <video> does, recorded from the first moment on.
  const playlists: { body: string; problems: string[] }[] = [];
  const bodies: Promise<void>[] = [];
  page.on('response', (response) => {
    if (response.url().split('?')[0] !== r.playlistUrl || !response.ok()) return;
    bodies.push(
      response.text().then(
        (body) => void playlists.push({ body, problems: playlistProblems(body) }),
        () => undefined, // the page navigated away before the body was read
      ),
    );
  });
  await page.addInitScript(() => {
    const record = { events: [] as PlaybackEvent[], samples: [] as PlaybackSample[] };
    (window as unknown as { __playback: typeof record }).__playback = record;
    // Media events do not bubble, but they do pass the document in the capture phase.
    for (const type of ['playing', 'waiting', 'stalled', 'seeking', 'pause', 'ended', 'error']) {
      document.addEventListener(
        type,
        (event) => {
          if (event.target instanceof HTMLVideoElement)
            record.events.push({ type, t: performance.now(), currentTime: event.target.currentTime });
        },
        true,
      );
    }
    setInterval(() => {
      const video = document.querySelector('video');
      if (video) record.samples.push({ t: performance.now(), currentTime: video.currentTime, paused: video.paused });
    }, 250);
  });
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/watch/${w.publicSlug}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.roomName);
  await expect(page.getByTestId('hls-url')).toHaveText(r.playlistUrl);
  await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'playing', { timeout: 180_000 });
  const video = page.getByTestId('video');
  const startTime = await video.evaluate((element: HTMLVideoElement) => element.currentTime);

  // While it plays: a second speaker joins, the layout switches to speaker, a third joins sharing a screen, the layout
  // switches to screen-share, the second leaves, and back to grid (Ada + Grace's camera + Grace's screen).
  const timeline: string[] = [];
  const step = async (what: string, action: () => Promise<unknown> | void, applied: RegExp, timeoutMs = 180_000) => {
    const since = r.mark();
    await action();
    const line = (await r.waitForBroadcast(applied, since, timeoutMs))[0];
    const at = await video.evaluate((element: HTMLVideoElement) => element.currentTime);
    timeline.push(`${(at - startTime).toFixed(1)} s: ${what} → ${line}`);
  };
  await step('Linus joins', () => r.join({ nick: 'Linus', pattern: 'ball', frequency: 660 }), /^layout grid: 2 tiles/m);
  await step('layout speaker', () => r.setLayout('speaker'), /^layout speaker: 2 tiles/m, 60_000);
  await step(
    'Grace joins and shares a screen',
    () => r.join({ nick: 'Grace', pattern: 'snow', frequency: 880, screenShare: true }),
    /^layout speaker: 3 tiles/m,
  );
  await step('layout screen-share', () => r.setLayout('screen-share'), /^layout screen-share: 2 tiles/m, 60_000);
  const linus = r.processes.find((p) => p.name === 'speaker Linus')!;
  await step('Linus leaves', () => linus.stop(), /^layout screen-share: 2 tiles/m, 60_000);
  await step('layout grid', () => r.setLayout('grid'), /^layout grid: 3 tiles/m, 90_000);

  // ≥20 s of media time from where playback started (usually passed already: joins take a while on 2 cores).
  await page.waitForFunction(
    (start) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime >= start + 20,
    startTime,
    { timeout: 180_000, polling: 500 },
  );
  const state = await video.evaluate((element: HTMLVideoElement) => {
    const quality = element.getVideoPlaybackQuality();
    return {
      currentTime: element.currentTime,
      paused: element.paused,
      height: element.videoHeight,
      droppedFrames: quality.droppedVideoFrames,
      totalFrames: quality.totalVideoFrames,
    };
  });
  const record = await page.evaluate(
    () => (window as unknown as { __playback: { events: PlaybackEvent[]; samples: PlaybackSample[] } }).__playback,
  );
  const frame = imageStats(decodePng(await video.screenshot()));
  await testInfo.attach('broadcast-watch.png', { body: await page.screenshot(), contentType: 'image/png' });
  await Promise.all(bodies);

  // Stall, measured in the page: `waiting` after playback started, and spans of ≥1 s wall time in which currentTime
  // did not move while not paused (the sampler runs every 250 ms; a late timer only makes currentTime move more).
  const firstPlaying = record.events.find((e) => e.type === 'playing');
  expect(firstPlaying, 'the video fired "playing"').toBeDefined();
  const after = (e: PlaybackEvent) => e.t > firstPlaying!.t;
  const waits = record.events.filter((e) => after(e) && e.type === 'waiting');
  const seeks = record.events.filter((e) => after(e) && e.type === 'seeking');
  // A span counts from the sample where currentTime last moved to the last sample that still showed that value: two
  // samples ≥1 s apart with the same currentTime (a late timer alone cannot make one).
  const frozen: { at: number; ms: number }[] = [];
  let anchor: PlaybackSample | null = null;
  let still: PlaybackSample | null = null;
  const closeSpan = () => {
    if (anchor && still && still.t - anchor.t >= 1000)
      frozen.push({ at: Number((anchor.currentTime - startTime).toFixed(2)), ms: Math.round(still.t - anchor.t) });
  };
  const playingSamples = record.samples.filter((s) => s.t >= firstPlaying!.t);
  for (const sample of playingSamples) {
    if (sample.paused) {
      closeSpan();
      anchor = still = null;
    } else if (!anchor || sample.currentTime !== anchor.currentTime) {
      closeSpan();
      anchor = still = sample;
    } else {
      still = sample;
    }
  }
  closeSpan();
  const wallSeconds = (record.samples.at(-1)!.t - firstPlaying!.t) / 1000;
  const summary = {
    timeline,
    mediaSecondsPlayed: Number((state.currentTime - startTime).toFixed(1)),
    wallSecondsSinceFirstPlaying: Number(wallSeconds.toFixed(1)),
    waitingEvents: waits.length,
    stalledEvents: record.events.filter((e) => after(e) && e.type === 'stalled').length,
    seeks: seeks.length,
    frozenSpans: frozen,
    droppedFrames: state.droppedFrames,
    totalFrames: state.totalFrames,
    playlistsChecked: playlists.length,
  };
  await testInfo.attach('playback.json', { body: JSON.stringify(summary, null, 2), contentType: 'application/json' });
  console.log(`broadcast e2e: ${JSON.stringify(summary)}`);

  // The sampler ran all along (4 per second): the stall check had something to look at.
  expect(playingSamples.length).toBeGreaterThanOrEqual(Math.floor(wallSeconds * 2));
  expect(state.paused).toBe(false);
  expect(state.height).toBe(360);
  expect(state.currentTime - startTime).toBeGreaterThanOrEqual(20);
  expect(waits, 'no "waiting" after playback started').toEqual([]);
  expect(frozen, 'no span ≥1 s with currentTime standing still').toEqual([]);
  expect(seeks, 'no seek (a skip) after playback started').toEqual([]);
  // A composite, not a black or blank frame (a flat frame measures ≈ 0–2).
  expect(frame.distinctColours).toBeGreaterThan(8);
  expect(frame.lumaStdDev).toBeGreaterThan(8);

  // The player reloads the live playlist about once per target duration (1 s).
  expect(playlists.length).toBeGreaterThanOrEqual(10);
  expect(playlists.filter((p) => p.problems.length).map((p) => ({ problems: p.problems, body: p.body }))).toEqual([]);
  const live = await (await fetch(r.playlistUrl, { cache: 'no-store' })).text();
  expect(playlistProblems(live)).toEqual([]);

  expect(pageErrors).toEqual([]);
});

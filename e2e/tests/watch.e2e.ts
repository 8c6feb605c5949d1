import { startLiveHls, ensureOrigin, type LiveHlsStream } from '../fixtures/live-hls.js';
import { parsePlaylist } from '@stagecast/media';
import { decodePng, imageStats } from '../fixtures/png.js';
import { expect, test } from '../fixtures/smoke.js';
import { hmsToSeconds, seedWatchRoom, serverNow, skewBrowserClock, type SeededWatchRoom } from '../fixtures/watch.js';

// Public player pages against the built app, real nginx origin, real GStreamer and real Chromium.

let room: SeededWatchRoom | null = null;
let stream: LiveHlsStream | null = null;

test.afterEach(async () => {
  await stream?.stop();
  await room?.remove();
  stream = null;
  room = null;
});

/** Errors a page may legitimately log while a stream is not up yet: the playlist 404s (network, not JavaScript). */
function withoutPlaylist404(errors: string[], playlistUrl: string): string[] {
  return errors.filter(
    (line) =>
      !(line.startsWith('HTTP 404: ') && line.includes(playlistUrl)) &&
      !(line.includes('Failed to load resource') && line.includes('404')),
  );
}

test.describe('watch page', () => {
  test.setTimeout(240_000);

  test('shows the offline slate, then plays the live HLS stream ≥20 s without stalls, in step with PDT', async ({
    page,
    request,
    pageErrors,
  }, testInfo) => {
    const name = `e2e-watch-${Date.now()}`;
    const origin = ensureOrigin();
    const playlistUrl = `${origin}/${name}/index.m3u8`;
    const nextStartsAt = new Date(Math.floor(Date.now() / 1000) * 1000 + 10 * 60_000);
    room = await seedWatchRoom({
      hlsUrl: playlistUrl,
      talks: [
        { title: 'Talk on air', startsAt: new Date(Date.now() - 5 * 60_000), minutes: 30 },
        { title: 'The talk after', startsAt: nextStartsAt, minutes: 30, speakers: ['Grace'] },
      ],
    });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`/watch/${room.publicSlug}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(room.roomName);

    // Not up yet: the slate says so and keeps retrying.
    await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'offline');
    await expect(page.getByTestId('player-slate')).toContainText('not live');
    await expect(page.getByTestId('player-retry')).toContainText('Checking again');

    stream = await startLiveHls({ name });
    expect(stream.playlistUrl).toBe(playlistUrl);
    await stream.waitForSegments(3, 60_000);

    // The retry picks the stream up without a reload.
    await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'playing', { timeout: 60_000 });
    const video = page.getByTestId('video');
    await video.evaluate((element: HTMLVideoElement) => {
      const w = window as unknown as { __waits: number };
      w.__waits = 0;
      element.addEventListener('waiting', () => (w.__waits += 1));
    });
    const startTime = await video.evaluate((element: HTMLVideoElement) => element.currentTime);
    await page.waitForFunction(
      (start) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime >= start + 20,
      startTime,
      { timeout: 90_000, polling: 500 },
    );
    const state = await video.evaluate((element: HTMLVideoElement) => ({
      waits: (window as unknown as { __waits: number }).__waits,
      paused: element.paused,
      muted: element.muted,
      width: element.videoWidth,
      height: element.videoHeight,
    }));
    expect(state).toMatchObject({ waits: 0, paused: false, muted: true, height: 360 });
    // 640×360 encoded; hls.js's MP4 remux reports a slightly wider display width (655) for x264's SPS, so ±3 %.
    expect(state.width / state.height).toBeCloseTo(16 / 9, 1);

    // The origin's playlist: PDT on segments, never a discontinuity.
    const playlist = await (await fetch(playlistUrl)).text();
    expect(playlist).toContain('#EXT-X-PROGRAM-DATE-TIME:');
    expect(playlist).not.toMatch(/^#EXT-X-DISCONTINUITY$/m);

    // Live edge, countdown following the picture (behind real time), now/next, and ways to watch elsewhere.
    await expect(page.getByTestId('live-indicator')).toHaveText('LIVE');
    const countdown = page.getByTestId('countdown');
    await expect(countdown).toHaveAttribute('data-clock-source', 'stream');
    await expect(page.getByTestId('countdown-source')).toContainText(/In step with the video \(\d+\.\d s behind/);
    // While the video plays the countdown is as of the frame on screen, which is seconds behind real time: it must
    // read more than the server-clock countdown, by about the delay the page reports (1 s of display rounding).
    const reading = await page.evaluate(() => ({
      text: document.querySelector('[data-testid="countdown-display"]')?.textContent ?? '',
      source: document.querySelector('[data-testid="countdown-source"]')?.textContent ?? '',
    }));
    const atServer = await serverNow(request);
    const serverBased = Math.ceil((nextStartsAt.getTime() - atServer) / 1000);
    const delaySeconds = Number(/\((\d+\.\d) s behind/.exec(reading.source)?.[1]);
    const shown = hmsToSeconds(reading.text);
    expect(delaySeconds).toBeGreaterThan(0.5);
    expect(shown - serverBased).toBeGreaterThanOrEqual(Math.floor(delaySeconds) - 1);
    expect(shown - serverBased).toBeLessThanOrEqual(Math.ceil(delaySeconds) + 1);
    await expect(page.getByTestId('now-talk')).toContainText('Talk on air');
    await expect(page.getByTestId('next-talk')).toContainText('The talk after');
    await expect(page.getByTestId('hls-url')).toHaveText(playlistUrl);
    await expect(page.getByTestId('embed-snippet')).toContainText(`/embed/${room.publicSlug}`);

    const png = await page.screenshot({ fullPage: true, path: testInfo.outputPath('watch-playing.png') });
    await testInfo.attach('watch-playing.png', { body: png, contentType: 'image/png' });
    const stats = imageStats(decodePng(await video.screenshot()));
    // SMPTE bars with the clock: many colours, not a black or blank frame.
    expect(stats.distinctColours).toBeGreaterThan(8);
    expect(stats.lumaStdDev).toBeGreaterThan(20);

    expect(withoutPlaylist404(pageErrors, playlistUrl)).toEqual([]);
  });

  test('a takeover mid-stream (encoder killed, a new run into the same playlist 3 s later) plays on without a reload', async ({
    page,
    pageErrors,
  }) => {
    const name = `e2e-watch-takeover-${Date.now()}`;
    stream = await startLiveHls({ name });
    room = await seedWatchRoom({
      hlsUrl: stream.playlistUrl,
      talks: [{ title: 'Talk on air', startsAt: new Date(Date.now() - 5 * 60_000), minutes: 30 }],
    });
    await stream.waitForSegments(3, 60_000);
    await page.goto(`/watch/${room.publicSlug}`);
    await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'playing', { timeout: 60_000 });
    const currentTime = () =>
      page.evaluate(() => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime);
    const startTime = await currentTime();
    // 40 s of the first run: a player that waited for the new run's numbers to pass the old run's (what a run
    // numbered from 0 again makes hls.js do) would sit stalled for longer than the 30 s allowed below.
    await page.waitForFunction(
      (start) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime >= start + 40,
      startTime,
      { timeout: 90_000, polling: 500 },
    );
    const before = parsePlaylist(await (await fetch(stream.playlistUrl)).text());
    const publishedBefore = stream.published.length;
    // Every player status from here on (a reload of the player would show as 'offline' → 'loading').
    await page.evaluate(() => {
      const w = window as unknown as { __statuses: string[] };
      w.__statuses = [];
      const player = document.querySelector('[data-testid="player"]')!;
      new MutationObserver(() => w.__statuses.push(player.getAttribute('data-status') ?? '')).observe(player, {
        attributes: true,
        attributeFilter: ['data-status'],
      });
    });
    const killedAt = Date.now();
    await stream.takeOver(3_000);
    const atTakeover = await currentTime();
    await stream.waitForSegments(publishedBefore + 3, 60_000);
    const after = parsePlaylist(await (await fetch(stream.playlistUrl)).text());
    // The new run numbers above the old one (RFC 8216 §6.2.1): nothing a player saw is reused or goes backwards.
    expect(after.mediaSequence).toBeGreaterThan(before.mediaSequence + before.segments.length - 1);
    expect(after.discontinuitySequence).toBeGreaterThan(before.discontinuitySequence);
    // The old run could have buffered at most its window ahead; 15 s more of playback is the new run's media.
    await page.waitForFunction(
      (start) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime >= start + 15,
      atTakeover,
      { timeout: 30_000, polling: 500 },
    );
    console.log(
      `takeover: player position 15 s past the kill (new-run media) ${((Date.now() - killedAt) / 1000).toFixed(1)} s after it`,
    );
    await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'playing');
    // hls.js followed the new run in place: at most a stall, never the offline slate and a restart of the player.
    const statuses = await page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
    expect(statuses.filter((st) => st !== 'playing' && st !== 'stalled')).toEqual([]);
    const paused = await page.evaluate(
      () => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).paused,
    );
    expect(paused).toBe(false);
    expect(withoutPlaylist404(pageErrors, stream.playlistUrl)).toEqual([]);
  });

  test('countdown follows the server clock (browser clock 1 h 23 min off): HH:MM:SS ±1 s, then "Starting now"', async ({
    page,
    request,
    pageErrors,
  }) => {
    const skewMs = -(83 * 60_000 + 17_321);
    const startsAt = new Date(Math.ceil((await serverNow(request)) / 1000) * 1000 + 25_000);
    room = await seedWatchRoom({
      hlsUrl: null,
      talks: [{ title: 'Countdown target', startsAt, minutes: 20, speakers: ['Ada Operator', 'Linus Bridge'] }],
    });
    await skewBrowserClock(page, skewMs);
    await page.goto(`/watch/${room.publicSlug}`);
    await expect(page.getByTestId('player-slate')).toContainText('no public stream');
    const countdown = page.getByTestId('countdown');
    await expect(countdown).toHaveAttribute('data-clock-source', 'server');
    await expect(page.getByTestId('countdown-talk')).toHaveText('Countdown target');

    // The estimated offset undoes the skew within the sample's own error bound (half its round trip).
    const offset = Number(await countdown.getAttribute('data-offset-ms'));
    const uncertainty = Number(await countdown.getAttribute('data-uncertainty-ms'));
    expect(Math.abs(offset + skewMs)).toBeLessThanOrEqual(uncertainty + 2);

    for (let i = 0; i < 6; i++) {
      const text = (await page.getByTestId('countdown-display').textContent()) ?? '';
      const now = await serverNow(request);
      if (now >= startsAt.getTime() - 1500) break;
      const expected = Math.ceil((startsAt.getTime() - now) / 1000);
      expect(Math.abs(hmsToSeconds(text) - expected), `shown ${text}, expected ${expected} s`).toBeLessThanOrEqual(1);
      await page.waitForTimeout(1700);
    }

    await page.waitForFunction(
      () => document.querySelector('[data-testid="countdown-display"]')?.textContent === 'Starting now',
      undefined,
      { timeout: 60_000, polling: 'raf' },
    );
    const flippedAt = await serverNow(request);
    // Not before T (1 s allowance for the reading), and shortly after it.
    expect(flippedAt).toBeGreaterThanOrEqual(startsAt.getTime() - 1000);
    expect(flippedAt).toBeLessThan(startsAt.getTime() + 5000);
    await expect(page.getByTestId('now-talk')).toContainText('Countdown target', { timeout: 10_000 });
    expect(pageErrors).toEqual([]);
  });

  test('page HTML and API responses contain none of the room secrets; embed page and 404', async ({
    page,
    request,
    pageErrors,
  }) => {
    const hlsUrl = `${ensureOrigin()}/e2e-watch-secrets-${Date.now()}/index.m3u8`;
    room = await seedWatchRoom({
      hlsUrl,
      talks: [{ title: 'Secret-free talk', startsAt: new Date(Date.now() + 3600_000), minutes: 30 }],
    });
    const input = encodeURIComponent(JSON.stringify({ json: { slug: room.publicSlug } }));
    const bodies = await Promise.all(
      [
        `/watch/${room.publicSlug}`,
        `/embed/${room.publicSlug}`,
        `/api/trpc/watch.room?input=${input}`,
        `/api/trpc/conference.list`,
        `/api/trpc/conference.bySlug?input=${encodeURIComponent(JSON.stringify({ json: { slug: room.conferenceSlug } }))}`,
      ].map(async (path) => {
        const response = await request.get(path);
        expect(response.status(), path).toBe(200);
        return [path, await response.text()] as const;
      }),
    );
    for (const [path, body] of bodies) {
      for (const secret of [...room.secrets, 'rtmp://', 'streamKey', 'jitsiCredentials']) {
        expect(body.includes(secret), `${path} must not contain ${secret}`).toBe(false);
      }
    }
    const api = JSON.parse(bodies[2]![1]) as { result: { data: { json: { hlsUrl: string } } } };
    expect(api.result.data.json.hlsUrl).toBe(hlsUrl);

    // The embed page: just the player (offline here), without the site header.
    await page.goto(`/embed/${room.publicSlug}`);
    await expect(page.getByTestId('player')).toHaveAttribute('data-status', 'offline');
    await expect(page.locator('.site-header')).toBeHidden();
    expect(withoutPlaylist404(pageErrors, hlsUrl)).toEqual([]);

    expect((await request.get('/watch/no-such-room')).status()).toBe(404);
    expect((await request.get('/embed/No_Such_Room')).status()).toBe(404);
  });
});

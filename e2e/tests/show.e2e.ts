import { decodePng, imageStats } from '../fixtures/png.js';
import { startShow, type Show } from '../fixtures/show.js';
import { expect, test, type Page } from '../fixtures/smoke.js';

/**
 * The show end to end (issue 7's last step): an organizer signs in and starts the broadcast of a room with two testbed
 * speakers from the live-control page; a real stage worker joins the meeting, composites it and PUTs HLS to nginx;
 * the public /watch page plays it in Chromium. Everything is a real process; waits are event-driven with generous
 * timeouts (the machine is shared and slow).
 */
let show: Show | null = null;

test.describe.configure({ mode: 'serial' });

// eslint-disable-next-line no-empty-pattern -- Playwright requires the fixtures argument to be destructured
test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(600_000);
  show = await startShow();
});

// eslint-disable-next-line no-empty-pattern -- as above
test.afterAll(async ({}, testInfo) => {
  testInfo.setTimeout(180_000);
  if (show && testInfo.status !== 'passed') {
    for (const p of show.processes)
      await testInfo.attach(`${p.name}.log`, { body: p.output(), contentType: 'text/plain' });
  }
  await show?.stop();
  show = null;
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/sign-in$/);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

async function playlist(url: string): Promise<string> {
  const response = await fetch(url, { cache: 'no-store' });
  return response.ok ? response.text() : `HTTP ${response.status}`;
}

test('an organizer starts the broadcast from live control and /watch plays the composite', async ({
  page,
  browser,
  pageErrors,
}, testInfo) => {
  test.setTimeout(900_000);
  const s = show!;
  await signIn(page, s.organizer.email, s.organizer.password);
  await page.getByRole('link', { name: s.conferenceName }).click();
  await page.getByRole('link', { name: 'Live control' }).click();
  const room = page.getByRole('article', { name: `Live ${s.roomName}` });
  const broadcast = room.getByTestId('live-broadcast');
  await expect(broadcast).toContainText('idle');
  await broadcast.getByRole('button', { name: 'Start' }).click();

  // The worker takes the job, joins, composites; the page polls the status row every 3 s.
  await expect(broadcast).toContainText('running', { timeout: 240_000 });
  await expect(broadcast).toContainText('2 participants', { timeout: 120_000 });
  await expect(broadcast).toContainText(/[1-9]\d* kbit\/s/, { timeout: 120_000 });

  // The origin's playlist fills with PROGRAM-DATE-TIME-stamped segments.
  await expect
    .poll(async () => (await playlist(s.hlsUrl)).match(/#EXT-X-PROGRAM-DATE-TIME:/g)?.length ?? 0, {
      timeout: 180_000,
      intervals: [1000],
    })
    .toBeGreaterThanOrEqual(3);

  // A viewer without an account.
  const viewerContext = await browser.newContext();
  const viewer = await viewerContext.newPage();
  const viewerErrors: string[] = [];
  viewer.on('pageerror', (error) => viewerErrors.push(`pageerror: ${error.message}`));
  await viewer.setViewportSize({ width: 1280, height: 900 });
  await viewer.goto(`/watch/${s.publicSlug}`);
  await expect(viewer.getByRole('heading', { level: 1 })).toHaveText(s.roomName);
  await expect(viewer.getByTestId('hls-url')).toHaveText(s.hlsUrl);
  await expect(viewer.getByTestId('player')).toHaveAttribute('data-status', 'playing', { timeout: 180_000 });
  const video = viewer.getByTestId('video');
  const startTime = await video.evaluate((element: HTMLVideoElement) => element.currentTime);
  await viewer.waitForFunction(
    (start) => (document.querySelector('[data-testid="video"]') as HTMLVideoElement).currentTime >= start + 8,
    startTime,
    { timeout: 180_000, polling: 500 },
  );
  const state = await video.evaluate((element: HTMLVideoElement) => ({
    paused: element.paused,
    width: element.videoWidth,
    height: element.videoHeight,
  }));
  expect(state.paused).toBe(false);
  expect(state.height).toBe(360);

  // Two speakers (colour bars and a ball) composited: a picture, not a black or blank frame.
  const frame = imageStats(decodePng(await video.screenshot()));
  await testInfo.attach('watch-show.png', { body: await viewer.screenshot(), contentType: 'image/png' });
  expect(frame.distinctColours).toBeGreaterThan(8);
  // A black or flat frame is ≈ 0–2; bars + ball on the dark letterbox measure 12–40 here.
  expect(frame.lumaStdDev).toBeGreaterThan(8);

  const live = await playlist(s.hlsUrl);
  expect(live).toContain('#EXT-X-PROGRAM-DATE-TIME:');
  expect(live).not.toMatch(/^#EXT-X-DISCONTINUITY$/m);
  expect(live).not.toContain('#EXT-X-ENDLIST');

  // The operator's layout switch reaches the composite.
  await room.getByLabel('Layout').selectOption('grid');
  await expect
    .poll(async () => (await s.broadcastStatus())?.stats.composite, { timeout: 60_000, intervals: [1000] })
    .toMatchObject({ shown: 'grid', sources: 4 }); // 2 speakers × (audio + video)

  // Stop: EOS closes the last segment and the playlist ends (#EXT-X-ENDLIST).
  await broadcast.getByRole('button', { name: 'Stop' }).click();
  await expect.poll(() => playlist(s.hlsUrl), { timeout: 120_000, intervals: [1000] }).toContain('#EXT-X-ENDLIST');
  await expect(broadcast).toContainText('stopped', { timeout: 60_000 });
  expect((await s.broadcastStatus())?.lastError ?? null).toBeNull();

  await viewerContext.close();
  expect(viewerErrors).toEqual([]);
  expect(pageErrors).toEqual([]);
});

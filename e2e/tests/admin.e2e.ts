import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '../fixtures/smoke.js';
import { createDb, createFleetRepository, createRoomControlsRepository } from '@stagecast/db';
import { appDatabaseUrl, e2eSettings } from '../settings.js';

/**
 * The organizer journey through the built admin app (black box: HTTP and Chromium only). The first admin comes from
 * the real `admin:create` command; the organizer account is made in the Users page by that admin.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = join(root, 'packages/schedule/test/fixtures/pretalx-chatham.xml');
const admin = { email: 'e2e-admin@stagecast.test', password: 'e2e admin password 2026' };
const organizerEmail = 'e2e-organizer@stagecast.test';
const roomPassword = 'e2e-room-password-SECRET-31337';
const streamKey = 'e2e-stream-key-SECRET-4242';

let organizerPassword = '';
let privateConferencePath = '';
let media: string;

test.describe.configure({ mode: 'serial' });

test.beforeAll(() => {
  const created = spawnSync(
    'npm',
    [
      'run',
      'admin:create',
      '-w',
      '@stagecast/web',
      '--',
      '--email',
      admin.email,
      '--password',
      admin.password,
      '--reset',
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, DATABASE_URL: appDatabaseUrl() }, timeout: 120_000 },
  );
  if (created.status !== 0) throw new Error(`admin:create failed: ${created.stderr}${created.stdout}`);
  media = mkdtempSync(join(tmpdir(), 'stagecast-e2e-media-'));
  // A small real video (3 s VP8/WebM) made with GStreamer, and a "video" that is not one.
  execFileSync(
    'gst-launch-1.0',
    [
      '-q',
      'videotestsrc',
      'num-buffers=75',
      '!',
      'video/x-raw,width=320,height=180,framerate=25/1',
      '!',
      'vp8enc',
      'deadline=1',
      '!',
      'webmmux',
      '!',
      'filesink',
      `location=${join(media, 'talk.webm')}`,
    ],
    { timeout: 60_000 },
  );
  writeFileSync(
    join(media, 'broken.mp4'),
    Buffer.from('this is not an mp4 file, just text pretending to be one\n'.repeat(50)),
  );
});
test.afterAll(() => {
  if (media) rmSync(media, { recursive: true, force: true });
});

async function signIn(page: Page, email: string, password: string) {
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/sign-in$/);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
}

test('a wrong password is refused with a clear message', async ({ page, pageErrors }) => {
  await page.goto('/admin/sign-in');
  await page.getByLabel('E-mail').fill(admin.email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'e-mail or password is wrong' })).toBeVisible();
  // The failed tRPC call is the only expected error on this page.
  expect(pageErrors.filter((e) => !e.includes('/api/trpc/auth.signIn') && !e.includes('401'))).toEqual([]);
});

test('the admin creates an organizer for the demo conference', async ({ page, pageErrors }) => {
  await signIn(page, admin.email, admin.password);
  await page.getByRole('link', { name: 'Users' }).click();
  const form = page.getByRole('form', { name: 'New user' });
  await form.getByLabel('E-mail').fill(organizerEmail);
  await form.getByLabel('Name').fill('Olga Organizer');
  await form.getByLabel('Organizer of').selectOption({ label: 'Stagecast Demo Conf' });
  await form.getByRole('button', { name: 'Create user' }).click();
  const notice = page.getByRole('status');
  await expect(notice).toContainText(`Password for ${organizerEmail}`);
  organizerPassword = (await notice.locator('code').textContent()) ?? '';
  expect(organizerPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
  await expect(page.getByRole('row').filter({ hasText: organizerEmail })).toContainText('Stagecast Demo Conf');

  // A second conference the organizer is not a member of (far in the future, so the public listing keeps the demo first).
  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Conferences' }).click();
  await page.getByRole('button', { name: 'New conference' }).click();
  const create = page.getByRole('form', { name: 'New conference' });
  await create.getByLabel('Name').fill('Private Conf');
  await create.getByLabel('Slug').fill('private-conf');
  await create.getByLabel('Starts on').fill('2099-09-01');
  await create.getByLabel('Ends on').fill('2099-09-02');
  await create.getByRole('button', { name: 'Create' }).click();
  const link = page.getByRole('link', { name: 'Private Conf' });
  await expect(link).toBeVisible();
  privateConferencePath = (await link.getAttribute('href')) ?? '';
  expect(privateConferencePath).toMatch(/^\/admin\/conferences\/[0-9a-f-]{36}$/);
  expect(pageErrors).toEqual([]);
});

test('an organizer sees only their conferences; others answer 404', async ({ page }) => {
  await signIn(page, organizerEmail, organizerPassword);
  await expect(page.getByRole('link', { name: 'Stagecast Demo Conf' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Private Conf' })).toHaveCount(0);
  const response = await page.goto(privateConferencePath);
  expect(response?.status()).toBe(404);
  expect((await page.goto('/admin/users'))?.status()).toBe(404);
});

test('the organizer imports a schedule with a preview, maps a room and sees the timeline', async ({
  page,
  pageErrors,
}, testInfo) => {
  await signIn(page, organizerEmail, organizerPassword);
  await expect(page.getByTestId('signed-in-as')).toContainText('Olga Organizer · organizer');
  await expect(page.getByRole('link', { name: 'Users' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Stagecast Demo Conf' }).click();
  await page.getByRole('link', { name: 'Import schedule' }).click();
  await page.getByLabel('Schedule file').setInputFiles(fixture);

  // Main Hall and Workshop Room match the demo rooms by name; the third room needs a decision first.
  await expect(page.getByLabel('Room for Main Hall')).toHaveValue('main-hall');
  await expect(page.getByText('Choose a room (or “Ignore”)')).toBeVisible();
  await page.getByLabel('Room for Whare Kōrero').selectOption({ label: 'Create room “whare-korero”' });
  const preview = page.getByTestId('import-preview');
  await expect(preview).toContainText('10 new');
  await expect(preview).toContainText('0 changed');
  await expect(preview).toContainText('Keynote: العربية في البرمجيات');
  await testInfo.attach('import-preview.png', {
    body: await page.screenshot({ fullPage: true }),
    contentType: 'image/png',
  });
  await page.getByRole('button', { name: 'Apply import' }).click();
  await expect(page.getByTestId('import-result')).toContainText(
    '10 created · 0 updated · 0 unchanged · new rooms: whare-korero',
  );

  // Re-importing the same document changes nothing.
  await page.getByLabel('Schedule file').setInputFiles(fixture);
  await expect(page.getByTestId('import-preview')).toContainText('0 new');
  await expect(page.getByTestId('import-preview')).toContainText('10 unchanged');

  await page.getByRole('link', { name: 'Timeline' }).click();
  await expect(page.getByRole('list', { name: 'Whare Kōrero' }).first()).toBeVisible();
  await expect(page.getByTestId('timeline-talk').filter({ hasText: 'Kia ora, Rēkohu!' })).toBeVisible();
  await expect(page.getByTestId('timeline-talk').filter({ hasText: 'WebRTC Without a Browser' })).toBeVisible();
  await testInfo.attach('timeline.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  expect(pageErrors).toEqual([]);
});

test('the organizer uploads a talk video and sees its probed duration; a broken file is rejected', async ({
  page,
  pageErrors,
}, testInfo) => {
  await signIn(page, organizerEmail, organizerPassword);
  await page.getByRole('link', { name: 'Stagecast Demo Conf' }).click();
  await page.getByRole('link', { name: 'Talks' }).click();
  const row = page.getByTestId('talk-row').filter({ hasText: 'WebRTC Without a Browser' });
  expect(statSync(join(media, 'talk.webm')).size).toBeGreaterThan(1000);
  await row.getByLabel('Video for WebRTC Without a Browser').setInputFiles(join(media, 'talk.webm'));
  await expect(row.getByTestId('video-duration')).toHaveText('0:03');
  await expect(row.getByTestId('video-summary')).toContainText('320×180');
  await expect(row.getByTestId('video-summary')).toContainText('shorter than the 45 min slot');

  const other = page.getByTestId('talk-row').filter({ hasText: 'From Jitsi Room to HLS Player' });
  await other.getByLabel('Video for From Jitsi Room to HLS Player').setInputFiles(join(media, 'broken.mp4'));
  await expect(other.getByTestId('video-error')).toContainText('not a readable video');
  await expect(other.getByTestId('video-summary')).toHaveCount(0);
  await testInfo.attach('talks.png', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
  // The rejected upload answered 422 (expected); nothing else failed.
  expect(pageErrors.filter((e) => !e.includes('/video') || !e.includes('422'))).toEqual([]);
});

test('room secrets are write-only: saved, never sent back in the page HTML', async ({ page, pageErrors, request }) => {
  await signIn(page, organizerEmail, organizerPassword);
  await page.getByRole('link', { name: 'Stagecast Demo Conf' }).click();
  await page.getByRole('link', { name: 'Rooms' }).click();
  const card = page.getByTestId('room-card').filter({ hasText: 'Main Hall' });
  await card.getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Edit Main Hall' });
  await form.getByLabel('Jitsi Meet URL').fill('https://meet.example.org/main-hall');
  await form.getByLabel('Room password').fill(roomPassword);
  await form.getByLabel('Add output').selectOption('rtmp');
  await form.getByLabel('URL', { exact: true }).fill('rtmp://live.example.org/app');
  await form.getByLabel('Stream key / id').fill(streamKey);
  await form.getByRole('button', { name: 'Save room' }).click();
  await expect(card).toContainText('Password: set');
  await expect(card).toContainText('key hidden');

  const html = await page.content();
  expect(html).not.toContain(roomPassword);
  expect(html).not.toContain(streamKey);
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === 'stagecast_session');
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe('Lax');
  const served = await request.get(page.url(), { headers: { cookie: `stagecast_session=${session?.value}` } });
  const body = await served.text();
  expect(body).toContain('Main Hall');
  for (const secret of [roomPassword, streamKey, session?.value ?? 'missing', '$argon2id$'])
    expect(body).not.toContain(secret);
  expect(pageErrors).toEqual([]);
});

test('the organizer sets the late-playout policy in the conference settings; it is kept', async ({
  page,
  pageErrors,
}) => {
  await signIn(page, organizerEmail, organizerPassword);
  await page.getByRole('link', { name: 'Stagecast Demo Conf' }).click();
  await page.getByRole('link', { name: 'Settings' }).click();
  const policy = page.getByLabel('Late playout start');
  await expect(policy).toHaveValue('from-start');
  const setPolicy = async (value: 'join-in' | 'from-start') => {
    await policy.selectOption(value);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(async () => {
        await page.reload();
        return policy.inputValue();
      })
      .toBe(value);
  };
  await setPolicy('join-in');
  await setPolicy('from-start'); // the demo conference's default, for the tests after this one
  expect(pageErrors).toEqual([]);
});

test('live control enqueues and stops a room role and shows its status', async ({ page, pageErrors }) => {
  await signIn(page, organizerEmail, organizerPassword);
  await page.getByRole('link', { name: 'Stagecast Demo Conf' }).click();
  await page.getByRole('link', { name: 'Live control' }).click();
  const room = page.getByRole('article', { name: 'Live Workshop Room' });
  const clock = room.getByTestId('live-clock');
  await expect(clock).toContainText('idle');
  await clock.getByRole('button', { name: 'Start' }).click();
  // No stage worker runs in this suite: the job waits in the queue, and the page says so.
  await expect(clock).toContainText('queued');
  await expect(clock).toContainText('waiting for a worker');
  await clock.getByRole('button', { name: 'Stop' }).click();
  await expect(clock).toContainText('idle');
  await room.getByLabel('Layout').selectOption('grid');
  await page.reload();
  await expect(page.getByRole('article', { name: 'Live Workshop Room' }).getByLabel('Layout')).toHaveValue('grid');
  expect(pageErrors).toEqual([]);
});

test('playout controls: Pause on a playing room is recorded, then shown applied', async ({ page, pageErrors }) => {
  // No stage worker runs in this suite. The test writes what a playout worker writes (its stage status row) and later
  // plays the worker's part through the repository calls workers/stage's playout runner makes (claim the command,
  // write its outcome and the status row); the page, the API and the command rows are the real ones.
  const handle = createDb({
    connectionString: e2eSettings.baseDatabaseUrl,
    schema: e2eSettings.schema,
    max: 2,
    applicationName: 'stagecast-e2e-playout',
  });
  try {
    const { rows } = await handle.pool.query<{ id: string }>(
      `SELECT r.id FROM rooms r JOIN conferences c ON c.id = r.conference_id
        WHERE c.name = 'Stagecast Demo Conf' AND r.slug = 'main-hall'`,
    );
    const roomId = rows[0]!.id;
    const fleet = createFleetRepository(handle.db);
    const controls = createRoomControlsRepository(handle.db);
    await fleet.setStageStatus({
      roomId,
      role: 'playout',
      state: 'running',
      workerId: 'stage-e2e-stand-in',
      stats: { playout: 'playing', talk: 'Opening talk', positionMs: 61_000, durationMs: 1_800_000 },
    });

    await signIn(page, organizerEmail, organizerPassword);
    await page.getByRole('link', { name: 'Stagecast Demo Conf' }).click();
    await page.getByRole('link', { name: 'Live control' }).click();
    const room = page.getByRole('article', { name: 'Live Main Hall' });
    const playout = room.getByTestId('live-playout');
    const buttons = room.getByRole('group', { name: 'Playback controls Main Hall' });
    const button = (name: string) => buttons.getByRole('button', { name, exact: true });
    await expect(playout.getByTestId('playout-now')).toContainText('Opening talk');
    await expect(playout.getByTestId('playout-state')).toHaveText('playing');
    await expect(playout.getByTestId('playout-position')).toHaveText('01:01');
    await expect(button('Pause')).toBeEnabled();
    await expect(button('Resume')).toBeDisabled();

    await button('Pause').click();
    const last = playout.getByTestId('playout-last-command');
    await expect(last).toContainText('Last command: Pause');
    await expect(last).toContainText('pending (waiting for the playout worker)');
    await expect(last).toContainText('by Olga Organizer');
    const issued = await handle.pool.query<{ action: string; status: string; email: string }>(
      `SELECT p.action, p.status, u.email FROM playout_commands p JOIN users u ON u.id = p.issued_by
        WHERE p.room_id = $1`,
      [roomId],
    );
    expect(issued.rows).toEqual([{ action: 'pause', status: 'pending', email: organizerEmail }]);

    // The worker's part: claim → (PlayoutHandle.control) → outcome on the row and in the status row.
    const claimed = await controls.claimPlayoutCommands({ roomId, jobRecordId: randomUUID() });
    expect(claimed.map((c) => c.action)).toEqual(['pause']);
    await controls.finishPlayoutCommand({
      seq: claimed[0]!.seq,
      status: 'applied',
      playoutState: 'paused',
      positionMs: 61_400,
    });
    await fleet.setStageStatus({
      roomId,
      role: 'playout',
      state: 'running',
      stats: { playout: 'paused', positionMs: 61_400 },
    });
    await expect(last).toContainText('applied → paused at 01:01', { timeout: 10_000 });
    await expect(playout.getByTestId('playout-state')).toHaveText('paused');
    await expect(button('Resume')).toBeEnabled();
    await expect(button('Pause')).toBeDisabled();

    // A playout that stopped reporting: the command is refused with a clear message on the page, nothing recorded.
    await handle.pool.query(
      `UPDATE stage_status SET updated_at = now() - interval '5 minutes' WHERE room_id = $1 AND role = 'playout'`,
      [roomId],
    );
    await button('Resume').click();
    await expect(room.getByRole('alert')).toContainText("the playout's worker has not reported for");
    await expect(playout.getByTestId('playout-last-command')).toContainText('applied');
    const after = await handle.pool.query('SELECT count(*)::int AS n FROM playout_commands WHERE room_id = $1', [
      roomId,
    ]);
    expect(after.rows[0]).toEqual({ n: 1 });
    // The refused call is the only failed request of the page.
    expect(pageErrors.filter((e) => !e.includes('/api/trpc/live.playoutControl'))).toEqual([]);
    expect(pageErrors.some((e) => e.includes('409'))).toBe(true);
  } finally {
    await handle.pool.query(`UPDATE stage_status SET state = 'stopped' WHERE role = 'playout'`).catch(() => {});
    await handle.close();
  }
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, organizerEmail, organizerPassword);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/admin\/sign-in$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/sign-in$/);
  expect(readFileSync(fixture, 'utf8').length).toBeGreaterThan(0);
});

/**
 * Page countdown bench (issue 6 §3): how far the /watch page's countdown is from the server clock, in 3 browser
 * contexts whose own clocks are wrong by 0 s, +90 s and −42.5 s (the page must estimate the server offset over HTTP,
 * NTP-style, target ±50 ms). Prints numbers; asserts nothing.
 *
 *   offset error     = (page Date.now() + estimated offset) − server clock, sampled 20× per context
 *   transition error = instant the displayed HH:MM:SS changed (read with performance.timeOrigin + now(), which the
 *                      skew does not touch) − instant it should change (talk start − N s), over ~15 transitions
 *
 * Needs Postgres (scripts/services/postgres.sh) and a build of the web app (`npm run build -w @stagecast/web`); starts
 * its own `next start` on a free port against a throwaway schema.
 *
 * Run: npx tsx --conditions=@stagecast/source bench/page-countdown.ts [--transitions 15]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { createConferenceRepository, createRoomRepository, createTalkRepository } from '@stagecast/db';
import { createTestDatabase } from '@stagecast/db/testing';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'apps/web');
const argIndex = process.argv.indexOf('--transitions');
const transitions = argIndex >= 0 ? Number(process.argv[argIndex + 1]) : 15;
if (!Number.isInteger(transitions) || transitions < 2) throw new Error('--transitions must be an integer ≥ 2');
const skews = [0, 90_000, -42_500];

if (!existsSync(join(web, '.next/BUILD_ID'))) {
  console.error('no build in apps/web/.next: run `npm run build -w @stagecast/web` first');
  process.exit(1);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const f = (n: number) => n.toFixed(1).padStart(7);
  return `n=${String(values.length).padStart(3)} mean ${f(mean)}  min ${f(sorted[0]!)}  p50 ${f(pick(0.5))}  p95 ${f(pick(0.95))}  max ${f(sorted.at(-1)!)}  |max| ${f(Math.max(...values.map(Math.abs)))} ms`;
}

const database = await createTestDatabase({ name: 'bench_page_countdown' });
const port = await freePort();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: database.connectionString,
  NEXT_TELEMETRY_DISABLED: '1',
  LOG_LEVEL: 'warn',
};
delete env.NODE_OPTIONS;
const server = spawn(
  process.execPath,
  [
    createRequire(join(web, 'package.json')).resolve('next/dist/bin/next'),
    'start',
    '-p',
    String(port),
    '-H',
    '127.0.0.1',
  ],
  {
    cwd: web,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (
    !(await fetch(`${base}/api/time`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error('next start did not answer /api/time within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }

  const conference = await createConferenceRepository(database.db).create({
    slug: 'bench',
    name: 'Bench',
    timeZone: 'UTC',
    startsOn: new Date(Date.now() - 86_400_000).toISOString().slice(0, 10),
    endsOn: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10),
  });
  const room = await createRoomRepository(database.db).create({
    conferenceId: conference.id,
    slug: 'stage',
    name: 'Stage',
  });
  // Far enough ahead that every context sees only HH:MM:SS digits during the run.
  const startsAt = Math.ceil(Date.now() / 1000) * 1000 + 30 * 60_000;
  await createTalkRepository(database.db).upsertMany([
    {
      conferenceId: conference.id,
      roomId: room.id,
      guid: 'bench',
      title: 'Bench talk',
      speakers: [],
      startsAt: new Date(startsAt),
      durationSeconds: 600,
      language: null,
    },
  ]);

  console.log(`page countdown vs server clock (${skews.length} contexts, target ±50 ms)`);
  const allOffsetErrors: number[] = [];
  const allTransitionErrors: number[] = [];
  for (const skew of skews) {
    const context = await browser.newContext();
    // A string, not a function: tsx (esbuild keepNames) would inject a `__name` helper the page does not have.
    await context.addInitScript(`(() => {
      const skewMs = ${skew};
      const RealDate = Date;
      const realNow = RealDate.now.bind(RealDate);
      class SkewedDate extends RealDate {
        constructor(...args) { if (args.length === 0) super(realNow() + skewMs); else super(...args); }
        static now() { return realNow() + skewMs; }
      }
      globalThis.Date = SkewedDate;
      // Real-clock timestamps (performance.timeOrigin + now(), untouched by the skew) of every change of the digits.
      const changes = [];
      globalThis.__changes = changes;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="countdown-display"]')?.textContent ?? '';
        const at = performance.timeOrigin + performance.now();
        if (changes.at(-1)?.text !== text) changes.push({ at, text });
      }).observe(document, { subtree: true, childList: true, characterData: true });
    })();`);
    const page = await context.newPage();
    await page.goto(`${base}/watch/${room.publicSlug}`);
    await page.waitForSelector('[data-testid="countdown"][data-offset-ms]', { timeout: 30_000 });
    const uncertainty = Number(await page.getAttribute('[data-testid="countdown"]', 'data-uncertainty-ms'));

    const offsetErrors: number[] = [];
    for (let i = 0; i < 20; i++) {
      const before = Date.now();
      const estimate = await page.evaluate(() => {
        const offset = Number(document.querySelector('[data-testid="countdown"]')!.getAttribute('data-offset-ms'));
        return Date.now() + offset;
      });
      const after = Date.now();
      offsetErrors.push(estimate - (before + after) / 2);
      await page.waitForTimeout(100);
    }

    await page.evaluate(() => ((globalThis as unknown as { __changes: unknown[] }).__changes.length = 0));
    await page.waitForTimeout((transitions + 1) * 1000);
    const changes = await page.evaluate(
      () => (globalThis as unknown as { __changes: { at: number; text: string }[] }).__changes,
    );
    const transitionErrors = changes
      .filter((c) => /^\d{2,}:\d{2}:\d{2}$/.test(c.text))
      .map((c) => {
        const [h, m, s] = c.text.split(':').map(Number) as [number, number, number];
        const shown = h * 3600 + m * 60 + s;
        return c.at - (startsAt - shown * 1000);
      });
    console.log(`  browser clock ${(skew / 1000).toFixed(1).padStart(6)} s  (sync RTT/2 ${uncertainty.toFixed(1)} ms)`);
    console.log(`    offset error      ${stats(offsetErrors)}`);
    console.log(`    transition error  ${stats(transitionErrors)}`);
    allOffsetErrors.push(...offsetErrors);
    allTransitionErrors.push(...transitionErrors);
    await context.close();
  }
  console.log(`  all contexts`);
  console.log(`    offset error      ${stats(allOffsetErrors)}`);
  console.log(`    transition error  ${stats(allTransitionErrors)}`);
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  await database.drop();
}

/**
 * Broadcast glass-to-glass latency (issue 5): from a participant's wall clock to the frame on a viewer's screen.
 *
 * - Sender: a testbed participant (real engine, VP8 or H.264 over the forwarding bridge) publishes a black picture
 *   with the wall-clock second (`clockoverlay time-format=%S`, big DejaVu Sans Mono Bold digits) — rendered by
 *   GStreamer, no JS per buffer. clockoverlay reads the wall clock for each frame it draws, so the digits change on the
 *   first frame drawn after the wall second begins (≤ 1 frame late at the sender).
 * - Broadcast: startBroadcast() composites the room (1 tile = the sender, full canvas) into H.264 HLS with 1 s
 *   segments, PUT to the nginx origin (scripts/services/nginx.sh).
 * - Viewer: Chromium (/usr/bin/chromium via Playwright) plays the origin playlist with hls.js on a minimal page whose
 *   hls.js config is, by default, the one of the /watch page (parsed from apps/web/src/components/player/
 *   hls-player.tsx; same hls.js build). requestVideoFrameCallback + canvas read every presented frame; the two digits
 *   are classified against templates rendered by the same GStreamer font (nearest normalised glyph), and a sample is
 *   taken at each second transition: the first presented frame showing s+1 (and confirmed by the next frame), with no
 *   frame skipped between it and its predecessor (presentedFrames). Latency = the frame's expected display wall time −
 *   the wall time of the second it shows (the second is resolved modulo 60 from the display time; latency < 30 s).
 *   Resolution: sender ≤ 1/fps late, composite ≤ 1/fps, display vsync — the numbers are high by at most ~70 ms.
 * - Breakdown (≈, from PROGRAM-DATE-TIME): sender → composite = frame's PDT wall time − the second; composite →
 *   display = display time − PDT wall time (the PDT of a segment is the wall time of its first composited frame).
 *
 * Prints median/p95/max per hls.js config and the HLS settings; asserts nothing.
 *
 * Run: node --conditions=@stagecast/source --import tsx bench/broadcast-latency.ts [--samples 40]
 *        [--hls-config watch] [--hls-config '{"liveSyncDurationCount":2}'] [--width 1280 --height 720 --fps 30]
 *        [--bitrate-kbps 2500] [--codec vp8|h264] [--segment-seconds 1] [--warmup-seconds 6] [--timeout-seconds 300]
 *      (--hls-config is repeatable: each config gets its own viewer on the same broadcast, one after the other)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium, type Page } from '@playwright/test';
import { startBroadcast, startParticipant } from '@stagecast/participant';
import { startTestbed } from '@stagecast/testbed';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '40' },
    'hls-config': { type: 'string', multiple: true },
    width: { type: 'string', default: '1280' },
    height: { type: 'string', default: '720' },
    fps: { type: 'string', default: '30' },
    'bitrate-kbps': { type: 'string', default: '2500' },
    codec: { type: 'string', default: 'vp8' },
    'segment-seconds': { type: 'string', default: '1' },
    'warmup-seconds': { type: 'string', default: '6' },
    'timeout-seconds': { type: 'string', default: '300' },
  },
});
const SAMPLES = Number(values.samples);
const canvas = { width: Number(values.width), height: Number(values.height), fps: Number(values.fps) };
const bitrate = Number(values['bitrate-kbps']) * 1000;
const codec = values.codec === 'h264' ? 'h264' : 'vp8';
const segmentSeconds = Number(values['segment-seconds']);
const warmupMs = Number(values['warmup-seconds']) * 1000;
const timeoutMs = Number(values['timeout-seconds']) * 1000;
if (!(SAMPLES >= 1) || !(segmentSeconds >= 1)) throw new Error('--samples ≥ 1 and --segment-seconds ≥ 1');

/** The /watch page's hls.js config, read from its source so the bench follows the page. */
function watchPageConfig(): Record<string, unknown> {
  const file = join(root, 'apps/web/src/components/player/hls-player.tsx');
  const m = /new Hls\((\{[^()]*\})\)/.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no "new Hls({…})" literal in ${file}: pass --hls-config '<json>' explicitly`);
  // A plain object literal of our own page (identifiers as keys, literal values).
  const json = m[1]!.replace(/([{,]\s*)([A-Za-z_]\w*)\s*:/g, '$1"$2":').replace(/,\s*}/, '}');
  return JSON.parse(json) as Record<string, unknown>;
}
const configs = (values['hls-config']?.length ? values['hls-config'] : ['watch']).map((c) =>
  c === 'watch'
    ? { name: 'watch page', config: watchPageConfig() }
    : { name: c, config: JSON.parse(c) as Record<string, unknown> },
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FONT = 'DejaVu Sans Mono Bold 96';

/**
 * The ten digits as the sender draws them (same element family, font and 640×360 frame; GRAY8), side by side in one
 * image for the page's templates.
 */
function digitTemplates(): { width: number; height: number; gray: number[] } {
  const [w, h] = [640, 360];
  const frames = Array.from({ length: 10 }, (_, digit) => {
    const raw = execFileSync('gst-launch-1.0', [
      '-q',
      'videotestsrc',
      'pattern=black',
      'num-buffers=1',
      '!',
      `video/x-raw,width=${w},height=${h}`,
      '!',
      'textoverlay',
      `text=${digit}`,
      `font-desc=${FONT}`,
      'halignment=center',
      'valignment=center',
      'draw-shadow=false',
      'draw-outline=false',
      '!',
      'videoconvert',
      '!',
      'video/x-raw,format=GRAY8',
      '!',
      'fdsink',
      'fd=1',
    ]);
    if (raw.length !== w * h || !raw.some((v) => v > 128))
      throw new Error(`digit template ${digit}: no glyph rendered (${raw.length} bytes)`);
    return raw;
  });
  const gray: number[] = new Array<number>(10 * w * h);
  for (let y = 0; y < h; y++)
    for (let d = 0; d < 10; d++) for (let x = 0; x < w; x++) gray[y * 10 * w + d * w + x] = frames[d]![y * w + x]!;
  return { width: 10 * w, height: h, gray };
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  const r = (v: number) => Math.round(v);
  return s.length ? { n: s.length, min: r(s[0]!), median: r(q(0.5)), p95: r(q(0.95)), max: r(s.at(-1)!) } : { n: 0 };
}

interface Sample {
  value: number;
  bufferAhead: number;
  displayMs: number;
  callbackMs: number;
  pdtMs: number | null;
  hlsLatency: number | null;
}

/** Everything that runs in the page: hls.js playback + per-frame read-back. */
function pageScript(opts: {
  src: string;
  config: Record<string, unknown>;
  templates: { width: number; height: number; gray: number[] };
}) {
  type Box = { x0: number; x1: number; y0: number; y1: number };
  const GW = 10;
  const GH = 14;
  // hls.js from its UMD build (window.Hls); typed loosely on purpose: the page script is plain browser code.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const w = window as unknown as { __lat: Record<string, unknown>; Hls: any };
  const out = {
    samples: [] as unknown[],
    frames: 0,
    unreadable: 0,
    skippedTransitions: 0,
    unconfirmed: 0,
    waiting: 0,
    playingAt: 0,
    errors: [] as string[],
    /** Why frames were unreadable: glyph count found, or an ambiguous digit. */
    unreadableWhy: {} as Record<string, number>,
  };
  w.__lat = out;

  /** Glyph boxes: runs of columns with ink, each trimmed to its rows with ink. */
  function boxes(ink: (x: number, y: number) => boolean, width: number, height: number): Box[] {
    const cols: boolean[] = [];
    for (let x = 0; x < width; x++) {
      let n = 0;
      for (let y = 0; y < height && n < 2; y++) if (ink(x, y)) n++;
      cols.push(n >= 2);
    }
    const found: Box[] = [];
    for (let x = 0; x < width; x++) {
      if (!cols[x]) continue;
      const x0 = x;
      while (x < width && cols[x]) x++;
      const x1 = x - 1;
      let y0 = height;
      let y1 = -1;
      for (let y = 0; y < height; y++)
        for (let xx = x0; xx <= x1; xx++)
          if (ink(xx, y)) {
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y);
          }
      if (x1 - x0 >= 2 && y1 - y0 >= 6) found.push({ x0, x1, y0, y1 });
    }
    return found;
  }
  /** Ink fraction on a GW×GH grid over the box (scale-free). */
  function normalise(ink: (x: number, y: number) => boolean, b: Box): number[] {
    const v = new Array<number>(GW * GH).fill(0);
    const bw = b.x1 - b.x0 + 1;
    const bh = b.y1 - b.y0 + 1;
    const n = new Array<number>(GW * GH).fill(0);
    for (let y = b.y0; y <= b.y1; y++)
      for (let x = b.x0; x <= b.x1; x++) {
        const i =
          Math.min(GH - 1, Math.floor(((y - b.y0) * GH) / bh)) * GW +
          Math.min(GW - 1, Math.floor(((x - b.x0) * GW) / bw));
        n[i]!++;
        if (ink(x, y)) v[i]!++;
      }
    return v.map((s, i) => (n[i] ? s / n[i]! : 0));
  }
  const t = opts.templates;
  const tInk = (x: number, y: number) => t.gray[y * t.width + x]! > 128;
  const tBoxes = boxes(tInk, t.width, t.height);
  if (tBoxes.length !== 10) out.errors.push(`templates: ${tBoxes.length} glyphs, expected 10`);
  const templates = tBoxes.map((b) => ({ vec: normalise(tInk, b), aspect: (b.x1 - b.x0 + 1) / (b.y1 - b.y0 + 1) }));
  function classify(vec: number[]): { digit: number; margin: number } {
    const d = templates.map((tp) => tp.vec.reduce((s, x, i) => s + (x - vec[i]!) ** 2, 0));
    const order = d.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    return { digit: order[0]![1], margin: order[1]![0] - order[0]![0] };
  }

  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  video.style.width = '1280px';
  document.body.style.margin = '0';
  document.body.appendChild(video);
  const cw = 640;
  const cv = document.createElement('canvas');
  const ctx = cv.getContext('2d', { willReadFrequently: true })!;

  const frags: { start: number; end: number; pdt: number }[] = [];
  const hls = new w.Hls({ ...opts.config });
  hls.on(
    w.Hls.Events.FRAG_BUFFERED,
    (_e: unknown, d: { frag: { start: number; duration: number; programDateTime: number | null } }) => {
      if (d.frag.programDateTime !== null)
        frags.push({ start: d.frag.start, end: d.frag.start + d.frag.duration, pdt: d.frag.programDateTime });
      while (frags.length > 60) frags.shift();
    },
  );
  hls.on(w.Hls.Events.ERROR, (_e: unknown, d: { fatal: boolean; details: string }) => {
    if (d.fatal) out.errors.push(`hls.js fatal: ${d.details}`);
  });
  hls.on(
    w.Hls.Events.MANIFEST_PARSED,
    () => void video.play().catch((e: Error) => out.errors.push(`play(): ${e.message}`)),
  );
  hls.loadSource(opts.src);
  hls.attachMedia(video);
  video.addEventListener('waiting', () => out.playingAt && out.waiting++);
  video.addEventListener('playing', () => (out.playingAt ||= Date.now()));

  let prev: { value: number; presented: number } | null = null;
  let pending: (Record<string, unknown> & { value: number }) | null = null;
  const read = (): number | null => {
    const vw = video.videoWidth;
    const vh = video.videoHeight;
    if (!vw || !vh) return null;
    const ch = Math.round((cw * vh * 0.75) / vw);
    if (cv.width !== cw || cv.height !== ch) {
      cv.width = cw;
      cv.height = ch;
    }
    // The top ¾ of the frame: the digits, not the composite's lower third (the participant's name).
    ctx.drawImage(video, 0, 0, vw, vh * 0.75, 0, 0, cw, ch);
    const px = ctx.getImageData(0, 0, cw, ch).data;
    const ink = (x: number, y: number) => px[(y * cw + x) * 4 + 1]! > 128;
    const b = boxes(ink, cw, ch);
    const why = (reason: string) => {
      if (out.playingAt) out.unreadableWhy[reason] = (out.unreadableWhy[reason] ?? 0) + 1;
      return null;
    };
    if (b.length !== 2) return why(`${b.length} glyphs`);
    const digits = b.map((box) => classify(normalise(ink, box)));
    if (digits.some((d) => d.margin < 1)) return why('ambiguous digit');
    const value = digits[0]!.digit * 10 + digits[1]!.digit;
    return value < 60 ? value : why('≥ 60');
  };
  const onFrame = (_now: number, md: { expectedDisplayTime: number; presentedFrames: number; mediaTime: number }) => {
    const offset = Date.now() - performance.now();
    out.frames++;
    const value = read();
    if (value === null) {
      if (out.playingAt) out.unreadable++;
    } else {
      if (pending) {
        // A transition counts once the next frame agrees (a one-frame misread would not).
        if (pending.value === value) out.samples.push(pending);
        else out.unconfirmed++;
        pending = null;
      }
      if (prev && value !== prev.value) {
        if (value === (prev.value + 1) % 60 && md.presentedFrames - prev.presented === 1 && out.playingAt) {
          const frag = frags.find((f) => md.mediaTime >= f.start - 0.001 && md.mediaTime < f.end);
          pending = {
            value,
            displayMs: md.expectedDisplayTime + offset,
            callbackMs: Date.now(),
            pdtMs: frag ? frag.pdt + (md.mediaTime - frag.start) * 1000 : null,
            hlsLatency: typeof hls.latency === 'number' ? hls.latency : null,
            bufferAhead: video.buffered.length ? video.buffered.end(video.buffered.length - 1) - video.currentTime : 0,
          };
        } else out.skippedTransitions++;
      }
      prev = { value, presented: md.presentedFrames };
    }
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  (out as Record<string, unknown>).hlsState = () => ({
    targetLatency: hls.targetLatency as number | null,
    targetDuration: (hls.levels?.[hls.currentLevel]?.details?.targetduration as number | undefined) ?? null,
    playbackRate: video.playbackRate,
  });
}

const hlsVersion = (
  JSON.parse(readFileSync(join(root, 'node_modules/hls.js/package.json'), 'utf8')) as { version: string }
).version;

/**
 * The minimal page on a loopback HTTP server of our own (Chromium lets loopback pages reach the loopback origin; the
 * nginx origin answers CORS with *), with the hls.js build the web app bundles.
 */
async function servePage(): Promise<{ url: string; close(): Promise<void> }> {
  const hlsJs = readFileSync(join(root, 'node_modules/hls.js/dist/hls.min.js'));
  // __name: the helper esbuild (tsx) wraps named functions in; pageScript is sent as its compiled source.
  const html =
    '<!doctype html><html><head><script>window.__name = (f) => f;</script><script src="/hls.js"></script></head><body></body></html>';
  const server = createServer((req, res) => {
    if (req.url === '/hls.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(hlsJs);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(html);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

async function measure(
  page: Page,
  pageUrl: string,
  name: string,
  config: Record<string, unknown>,
  src: string,
  templates: ReturnType<typeof digitTemplates>,
) {
  await page.goto(pageUrl);
  await page.evaluate(`(${pageScript.toString()})(${JSON.stringify({ src, config, templates })})`);
  const read = () =>
    page.evaluate(() => {
      const l = (window as unknown as { __lat: Record<string, unknown> & { samples: unknown[] } }).__lat;
      return { ...l, samples: l.samples, hlsState: undefined };
    }) as unknown as Promise<{
      samples: Sample[];
      frames: number;
      unreadable: number;
      skippedTransitions: number;
      unconfirmed: number;
      unreadableWhy: Record<string, number>;
      waiting: number;
      playingAt: number;
      errors: string[];
    }>;
  const t0 = Date.now();
  let state = await read();
  for (;;) {
    state = await read();
    if (state.errors.length) throw new Error(`${name}: ${state.errors.join('; ')}`);
    const usable = state.playingAt ? state.samples.filter((s) => s.displayMs >= state.playingAt + warmupMs) : [];
    if (usable.length >= SAMPLES) break;
    if (Date.now() - t0 > timeoutMs) {
      console.error(
        `${name}: only ${usable.length}/${SAMPLES} samples after ${timeoutMs / 1000} s (frames ${state.frames}, unreadable ${state.unreadable}, skipped transitions ${state.skippedTransitions})`,
      );
      break;
    }
    await sleep(2000);
  }
  const samples = state.samples.filter((s) => s.displayMs >= state.playingAt + warmupMs).slice(0, SAMPLES);
  const latency: number[] = [];
  const senderToComposite: number[] = [];
  const compositeToDisplay: number[] = [];
  const hlsLatency: number[] = [];
  const bufferAhead: number[] = [];
  for (const s of samples) {
    // The second shown: the latest wall second ≤ display time whose seconds field is `value`.
    const displaySec = Math.floor(s.displayMs / 1000);
    const second = displaySec - ((((displaySec - s.value) % 60) + 60) % 60);
    latency.push(s.displayMs - second * 1000);
    if (s.pdtMs !== null) {
      senderToComposite.push(s.pdtMs - second * 1000);
      compositeToDisplay.push(s.displayMs - s.pdtMs);
    }
    if (s.hlsLatency !== null) hlsLatency.push(s.hlsLatency * 1000);
    bufferAhead.push(s.bufferAhead * 1000);
  }
  const hlsState = await page.evaluate(() =>
    (
      window as unknown as {
        __lat: {
          hlsState: () => { targetLatency: number | null; targetDuration: number | null; playbackRate: number };
        };
      }
    ).__lat.hlsState(),
  );
  const frameTimingVsCallback = stats(samples.map((s) => s.displayMs - s.callbackMs));
  return {
    config: name,
    hlsJs: { version: hlsVersion, config, atEnd: hlsState },
    glassToGlassMs: stats(latency),
    breakdownMs: {
      senderToComposite: stats(senderToComposite),
      compositeToDisplay: stats(compositeToDisplay),
      hlsJsLatencyEstimate: stats(hlsLatency),
      bufferAhead: stats(bufferAhead),
    },
    readBack: {
      framesRead: state.frames,
      unreadable: state.unreadable,
      skippedTransitions: state.skippedTransitions,
      unconfirmed: state.unconfirmed,
      unreadableWhy: state.unreadableWhy,
      waitingEvents: state.waiting,
      expectedDisplayMinusCallbackMs: frameTimingVsCallback,
    },
  };
}

// ---- setup ---------------------------------------------------------------------------------------------------------
execFileSync('bash', [join(root, 'scripts/services/nginx.sh'), 'start'], { stdio: 'ignore' });
execFileSync('bash', [join(root, 'scripts/services/prosody.sh'), 'start'], { stdio: 'ignore' });
const originHls = /STAGECAST_ORIGIN_HLS_URL=(\S+)/.exec(
  execFileSync('bash', [join(root, 'scripts/services/nginx.sh'), 'env']).toString(),
)![1]!;
const templates = digitTemplates();
const TOLERANT = { timings: { heartbeatTimeoutMs: 15_000 } };
const dir = mkdtempSync(join(tmpdir(), 'stagecast-latency-bench-'));
const closers: (() => Promise<unknown>)[] = [];
const results: unknown[] = [];
let broadcastInfo: Record<string, unknown> = {};
try {
  const tb = await startTestbed({ singleParticipantTimeoutMs: 900_000 });
  closers.push(() => tb.close());
  const room = `latency-${randomBytes(3).toString('hex')}`;
  const meetingUrl = tb.meetingUrl(room);
  const senderFps = Math.min(30, canvas.fps);
  const sender = await startParticipant({
    meeting: { meetingUrl, displayName: 'Clock' },
    media: {
      send: {
        videoCodec: codec,
        source: {
          kind: 'pipeline',
          description:
            `videotestsrc is-live=true pattern=black ! video/x-raw,width=640,height=360,framerate=${senderFps}/1 ! ` +
            `clockoverlay time-format=%S font-desc="${FONT}" halignment=center valignment=center draw-shadow=false draw-outline=false ! queue name=video`,
        },
      },
    },
    engine: TOLERANT,
  });
  closers.push(() => sender.close());
  const stream = `bench-${room}`;
  const b = await startBroadcast({
    meeting: { meetingUrl },
    engine: TOLERANT,
    composite: { canvas, video: { bitrate }, layout: { kind: 'grid' } },
    outputs: { hls: { directory: join(dir, stream), origin: { baseUrl: `${originHls}/${stream}/` }, segmentSeconds } },
  });
  closers.push(() => b.close());
  // When each segment was on the origin's playlist, after the wall time its last frame was composited.
  const publishDelays: number[] = [];
  const allDurations: number[] = [];
  b.on('segmentPublished', (d) => allDurations.push(d.durationSeconds * 1000));
  b.on('segmentPublished', (d) =>
    publishDelays.push(Date.now() - (d.programDateTime.getTime() + d.durationSeconds * 1000)),
  );
  const deadline = Date.now() + 120_000;
  while ((b.stats.hls[0]?.segments ?? 0) < 4 || b.stats.composite?.layout !== 'grid') {
    if (Date.now() > deadline)
      throw new Error(
        `broadcast: ${b.stats.hls[0]?.segments ?? 0} segments, layout ${b.stats.composite?.layout} after 120 s`,
      );
    await sleep(500);
  }
  const src = `${originHls}/${stream}/index.m3u8`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--autoplay-policy=no-user-gesture-required'],
  });
  closers.push(() => browser.close());
  const site = await servePage();
  closers.push(() => site.close());
  for (const { name, config } of configs) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      const r = await measure(page, site.url, name, config, src, templates);
      results.push(r);
      console.error(`${name}: glass-to-glass ${JSON.stringify(r.glassToGlassMs)} ms`);
    } finally {
      await context.close();
    }
  }
  const hls = b.stats.hls[0]!;
  const playlist = await (await fetch(src)).text();
  const extinf = (playlist.match(/^#EXTINF:([\d.]+)/gm) ?? []).map((l) => Number(l.slice(8)) * 1000);
  broadcastInfo = {
    canvas: `${canvas.width}x${canvas.height}@${canvas.fps}`,
    videoBitrateKbps: bitrate / 1000,
    encoder: 'x264enc tune=zerolatency speed-preset=veryfast, keyframe every 1 s',
    senderVideo: `640x360@${senderFps} ${codec} (clockoverlay %S)`,
    hls: {
      segmentSeconds,
      targetDuration: Number(/#EXT-X-TARGETDURATION:(\d+)/.exec(playlist)?.[1]),
      windowSegments: extinf.length,
      segmentDurationMs: { window: stats(extinf), wholeRun: stats(allDurations) },
      publishedAfterSegmentEndMs: stats(publishDelays),
      origin: 'nginx WebDAV PUT (127.0.0.1)',
      segmentsPublished: hls.segments,
      lastUploadLatencyMs: hls.origin?.lastUploadLatencyMs ?? null,
    },
    composite: { encodedFps: b.stats.composite?.encodedFps, droppedFrames: b.stats.composite?.droppedFrames },
    loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
  };
} finally {
  for (const c of closers.splice(0).reverse())
    await c().catch((err: unknown) => console.error(`cleanup: ${String(err)}`));
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ broadcast: broadcastInfo, results }, null, 2));
process.exit(0);

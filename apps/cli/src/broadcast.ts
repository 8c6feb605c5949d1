/**
 * `stagecast broadcast <meeting-url> [--hls-dir DIR] [--hls-origin URL] [--rtmp URL]… [--srt URI]… [--record FILE]
 * [--layout auto|grid|speaker|screen-share|single|slate]`: joins receive-only, composites the room and pushes it out
 * (@stagecast/participant startBroadcast; `auto`, the default, follows a `stagecast playout` in the same room: the
 * talk full frame while it plays, else screen-share or speaker). Run-time control on stdin: `layout <kind> [pinned]`, `slate <title>`,
 * `countdown <ISO time> [title]`, `countdown off`. First SIGINT/SIGTERM: EOS (last segment, recording finalised),
 * leave, ENDLIST; second: exit 130.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { Logger } from '@stagecast/jitsi';
import { layoutKindSchema } from '@stagecast/media';
import { ParticipantError, startBroadcast, type AutoLayout, type BroadcastOptions } from '@stagecast/participant';
import { pino } from 'pino';
import { z } from 'zod';
import { CliError } from './errors.js';

export const BROADCAST_HELP = `stagecast broadcast <meeting-url> [options]

Joins the meeting as a receive-only participant, composites everybody into one stream and pushes it out.
Outputs (any combination, at least one):
  --hls-dir DIR            write HLS (segments + index.m3u8 with PROGRAM-DATE-TIME) into DIR
  --hls-origin URL         also PUT/DELETE the HLS files to an origin, e.g. http://127.0.0.1:8088/hls/room1/
  --segment-seconds N      HLS segment length (default 1)
  --event-playlist         also keep event.m3u8 with every segment (VOD)
  --abr WxH@KBPS           extra lower HLS rendition (repeatable), e.g. 640x360@800; writes master.m3u8
  --rtmp URL               RTMP push, e.g. rtmp://a.rtmp.youtube.com/live2/<key> (repeatable; key redacted in logs)
  --srt URI                SRT push: srt://host:port (caller) or srt://:port?mode=listener (repeatable)
  --record FILE            recording (.mp4 fragmented, or .mkv)
Composite:
  --layout KIND            auto (default: follow the stage: a playing "stagecast playout" talk full frame, else
                           screen-share when someone shares, else speaker), grid, speaker, screen-share, single, slate
  --width W --height H --fps F   canvas (default 1280x720@30)
  --video-bitrate KBPS     H.264 bitrate (default 2500)
  --title TEXT --subtitle TEXT   slate shown while the room is empty (default subtitle "Starting soon")
  --offscreen-height PX    keep receiving people who are not on screen at this height, so a layout switch shows
                           them at once (default 180, the smallest simulcast layer; 0 = only what is shown)
Meeting:
  --nick NAME (default "Stagecast broadcast")  --password PWD  --token JWT  -v/--verbose
Control on stdin: "layout speaker", "layout auto", "layout single <endpoint>", "slate <title>", "countdown 2026-11-21T15:00:00Z Talk", "countdown off".`;

/** `auto` (BroadcastHandle: follow the stage) or one of the composite's layouts. */
const broadcastLayoutKind = z.enum(['auto', ...layoutKindSchema.options]);

function int(flag: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError('invalid-option', `${flag} expects a whole number ${min}..${max}, got "${v}"`);
  return n;
}

export function parseBroadcastArgs(argv: readonly string[]): { options: BroadcastOptions; verbosity: number } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'hls-dir': { type: 'string' },
        'hls-origin': { type: 'string' },
        'segment-seconds': { type: 'string' },
        'event-playlist': { type: 'boolean' },
        abr: { type: 'string', multiple: true },
        rtmp: { type: 'string', multiple: true },
        srt: { type: 'string', multiple: true },
        record: { type: 'string' },
        layout: { type: 'string' },
        width: { type: 'string' },
        height: { type: 'string' },
        fps: { type: 'string' },
        'video-bitrate': { type: 'string' },
        title: { type: 'string' },
        subtitle: { type: 'string' },
        'offscreen-height': { type: 'string' },
        nick: { type: 'string' },
        password: { type: 'string' },
        token: { type: 'string' },
        verbose: { type: 'boolean', short: 'v', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new CliError('usage', `${(err as Error).message}. Run "stagecast broadcast --help".`);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const [meetingUrl, ...extra] = parsed.positionals;
  if (!meetingUrl || extra.length) throw new CliError('usage', 'give exactly one <meeting-url>, e.g. stagecast broadcast https://meet.example.org/room --hls-dir /srv/hls/room');
  if (v['hls-origin'] && !v['hls-dir']) throw new CliError('invalid-option', '--hls-origin needs --hls-dir (the local staging directory of the segments)');
  const layout = broadcastLayoutKind.safeParse(v.layout ?? 'auto');
  if (!layout.success) throw new CliError('invalid-option', `--layout must be one of ${broadcastLayoutKind.options.join(', ')}, got "${v.layout}"`);
  const renditions = (v.abr ?? []).map((s) => {
    const m = /^(\d+)x(\d+)@(\d+)$/.exec(s);
    if (!m) throw new CliError('invalid-option', `--abr expects WxH@KBPS (e.g. 640x360@800), got "${s}"`);
    return { width: Number(m[1]), height: Number(m[2]), bitrate: Number(m[3]) * 1000 };
  });
  const recordFormat = v.record?.endsWith('.mp4') ? 'mp4' : 'mkv';
  const segmentSeconds = int('--segment-seconds', v['segment-seconds'], 1, 6);
  const bitrate = int('--video-bitrate', v['video-bitrate'], 100, 50_000);
  const offscreen = int('--offscreen-height', v['offscreen-height'], 0, 2160);
  const o: BroadcastOptions = {
    meeting: {
      meetingUrl,
      displayName: v.nick ?? 'Stagecast broadcast',
      ...(v.password ? { roomPassword: v.password } : {}),
      ...(v.token ? { auth: { kind: 'jwt' as const, token: v.token } } : {}),
    },
    outputs: {
      ...(v['hls-dir']
        ? {
            hls: {
              directory: v['hls-dir'],
              ...(v['hls-origin'] ? { origin: { baseUrl: v['hls-origin'] } } : {}),
              ...(segmentSeconds ? { segmentSeconds } : {}),
              eventPlaylist: v['event-playlist'] ?? false,
              renditions,
            },
          }
        : {}),
      rtmp: (v.rtmp ?? []).map((url) => ({ url })),
      srt: (v.srt ?? []).map((uri) => ({ uri })),
      ...(v.record ? { record: { path: v.record, format: recordFormat } } : {}),
    },
    composite: {
      canvas: {
        width: int('--width', v.width, 160, 3840) ?? 1280,
        height: int('--height', v.height, 120, 2160) ?? 720,
        fps: int('--fps', v.fps, 1, 60) ?? 30,
      },
      layout: { kind: layout.data },
      slate: { title: v.title ?? '', subtitle: v.subtitle ?? 'Starting soon' },
      ...(bitrate ? { video: { bitrate: bitrate * 1000 } } : {}),
    },
    ...(offscreen !== undefined ? { offscreenPreviewHeight: offscreen } : {}),
  };
  if (!o.outputs.hls && !o.outputs.rtmp?.length && !o.outputs.srt?.length && !o.outputs.record) {
    throw new CliError('usage', 'no output: give --hls-dir, --rtmp, --srt and/or --record');
  }
  return { options: o, verbosity: v.verbose?.length ?? 0 };
}

/** Entry for `stagecast broadcast …` (dispatched from main.ts); returns the exit code. */
export async function runBroadcastCli(argv: readonly string[]): Promise<number> {
  let parsedArgs: ReturnType<typeof parseBroadcastArgs>;
  try {
    parsedArgs = parseBroadcastArgs(argv);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError('internal', String(err));
    process.stderr.write(`stagecast: ${e.message}\n`);
    return e.exitCode;
  }
  if (parsedArgs === 'help') {
    process.stdout.write(`${BROADCAST_HELP}\n`);
    return 0;
  }
  const { options: o, verbosity } = parsedArgs;
  const logger = pino(
    {
      level: verbosity >= 2 ? 'debug' : verbosity === 1 ? 'info' : 'warn',
      redact: { paths: ['token', 'password', 'pwd', 'jwt', 'streamKey', '*.token', '*.password', '*.streamKey', 'headers'], censor: '[redacted]' },
    },
    pino.destination(2),
  ) as unknown as Logger;
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    if (++signals === 1) {
      process.stderr.write(`\n${sig}: finishing the broadcast (EOS, ENDLIST)\n`);
      ac.abort();
      return;
    }
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let handle;
  try {
    handle = await startBroadcast({ ...o, logger, signal: ac.signal });
  } catch (err) {
    if (ac.signal.aborted) return 130;
    const msg = err instanceof ParticipantError ? err.message : String(err);
    process.stderr.write(`stagecast: ${msg}\n`);
    return err instanceof ParticipantError && err.reason === 'join-failed' ? 69 : 70;
  }
  const h = handle;
  process.stderr.write(`broadcasting ${o.meeting.meetingUrl} as ${h.participant.endpointId} (engine pid ${h.participant.enginePid})\n`);
  h.on('outputStateChanged', (d) => process.stderr.write(`output ${d.outputId} ${d.state}${d.message ? `: ${d.message}` : ''}${d.retryInMs ? ` (retry in ${d.retryInMs} ms)` : ''}\n`));
  const autoLine = (to: AutoLayout, reason: string, message: string) => `auto layout ${to.kind}${to.kind === 'single' ? ` ${to.pinned}` : ''} (${reason}): ${message}\n`;
  // The first decision is taken while the broadcast starts; later ones arrive as events.
  if (h.stats.auto) process.stderr.write(autoLine(h.stats.auto.layout, h.stats.auto.reason, h.stats.auto.message));
  h.on('autoLayoutSwitched', (d) => process.stderr.write(autoLine(d.to, d.reason, d.message)));
  h.on('layoutApplied', (d) => process.stderr.write(`layout ${d.kind}${d.kind !== d.requested ? ` (requested ${d.requested})` : ''}: ${d.tiles.length} tiles\n`));
  const status = setInterval(() => {
    const s = h.stats;
    const c = s.composite;
    const hls = s.hls[0];
    process.stderr.write(
      `status fps ${c?.encodedFps ?? 0} dropped ${c?.droppedFrames ?? 0} layout ${c?.layout ?? '?'} sources ${c?.sources ?? 0}` +
        (hls ? ` segments ${hls.segments}${hls.origin ? ` origin ${hls.origin.healthy ? 'ok' : 'failing'} uploaded ${hls.origin.uploaded} failures ${hls.origin.failures} latency ${hls.origin.lastUploadLatencyMs ?? '-'} ms` : ''}` : '') +
        (c?.outputs.length ? ` ${c.outputs.map((x) => `${x.id} ${Math.round(x.bitrate / 1000)} kb/s`).join(', ')}` : '') +
        '\n',
    );
  }, 10_000);
  const rl = createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    const [cmd, ...args] = line.trim().split(/\s+/);
    const run = async () => {
      if (cmd === 'layout' && args[0]) {
        const k = broadcastLayoutKind.parse(args[0]);
        process.stderr.write(`layout set: ${await h.setLayout({ kind: k, ...(args[1] ? { pinned: args[1] } : {}) })}\n`);
      } else if (cmd === 'slate') await h.setSlate({ title: args.join(' ') });
      else if (cmd === 'countdown' && args[0] === 'off') await h.setCountdown(null);
      else if (cmd === 'countdown' && args[0]) await h.setCountdown({ startsAt: args[0], title: args.slice(1).join(' ') }, { placement: 'corner' });
      else if (cmd) process.stderr.write(`unknown command "${line.trim()}" (layout <kind> [pinned] | slate <title> | countdown <ISO>|off)\n`);
    };
    run().catch((err: unknown) => process.stderr.write(`command failed: ${err instanceof Error ? err.message : String(err)}\n`));
  });
  const left = new Promise<'failed' | 'requested'>((resolve) => h.on('left', (r) => resolve(r.kind)));
  const stop = new Promise<'requested'>((resolve) => ac.signal.addEventListener('abort', () => resolve('requested'), { once: true }));
  const why = await Promise.race([left, stop]);
  clearInterval(status);
  rl.close();
  await h.close();
  const hls = h.stats.hls[0];
  process.stderr.write(`broadcast ended${hls ? `: ${hls.segments} segments` : ''}\n`);
  return why === 'failed' ? 69 : 0;
}

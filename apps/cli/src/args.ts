/**
 * `stagecast join` command-line parsing. Flag names follow gst-meet where it has one, so its users feel at home
 * (https://github.com/avstack/gst-meet README: --web-socket-url, --xmpp-domain, --room-name, --muc-domain,
 * --focus-jid, --nick, --video-codec, --send-pipeline, --recv-pipeline, --recv-pipeline-participant-template).
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CliError } from './errors.js';

export const JOIN_HELP = `Usage: stagecast join <meeting-url> [options]

Join a Jitsi Meet room as a browserless participant. Media is GStreamer: publish a pipeline into the room and/or take
each participant's audio and video out of the room into GStreamer.

Meeting:
  <meeting-url>                       https://host[/tenant]/room (settings are discovered from host/config.js)
  --nick <name>                       display name shown in the room (default: "Stagecast")
  --token, --jwt <jwt>                JWT for token-authenticated deployments (sent as ?token=, never logged)
  --password <pw>                     room password (never logged)
  --username <user> --user-password <pw>
                                      log in on a secure domain (guests fall back to the anonymous domain)
  --web-socket-url <wss://…>          override the XMPP WebSocket URL from config.js
  --xmpp-domain <domain>              override hosts.domain
  --muc-domain <domain>               override hosts.muc
  --focus-jid <jid>                   override the focus component (hosts.focus)
  --room-name <name>                  override the room name taken from the URL
  --ca-file <path>                    trust this CA (self-signed deployments); there is no "insecure" switch
  --lobby-timeout <seconds>           how long to wait in a lobby before giving up (default 300)

Sending:
  --send-pipeline '<gst-launch>'      a bin whose elements named "audio" and/or "video" produce raw or encoded
                                      media, e.g. 'videotestsrc is-live=true ! video/x-raw,width=1280,height=720 ! queue name=video'
  --send-desktop-pipeline '<gst-launch>'
                                      also share a screen: a bin ending in an element named "video", sent as the
                                      screen-share source <endpoint>-v1 (videoType desktop), e.g.
                                      'ximagesrc use-damage=false ! videoconvert ! queue name=video'
  --video-codec vp8|h264              codec we send and ask others to send (default vp8)

Receiving:
  --recv-pipeline-participant-template '<gst-launch>'
                                      instantiated once per remote source (camera, screen share and audio each get
                                      their own instance), fed decoded media at its first element; placeholders
                                      {participant_id} {nick} {source_name} {media_type}, e.g.
                                      'queue ! matroskamux ! filesink location={nick}-{source_name}.mkv'
  --recv-pipeline '<gst-launch>'      one shared bin with request pads on elements named "audio"/"video"
  --last-n <n>                        how many video sources the bridge forwards to us (-1 = all, default -1)
  --select-endpoints <id,id,…>        endpoints whose video we want with priority
  --recv-video-height <px>            resolution we ask the bridge for (default 720)

Other:
  --metrics-port <port>               serve Prometheus-style metrics on 127.0.0.1:<port>
  -v, --verbose                       debug logs (repeat for trace)
  -h, --help                          this help

Ctrl-C / SIGTERM leaves cleanly (engine EOS so recordings are finalised, then leave presence); a second one forces.
Exit codes: 0 left cleanly, 64 bad usage, 69 could not join or lost the room (network, auth, room), 70 media failure
(bad pipeline, engine restarts exhausted), 130 interrupted before joining or forced.

Other commands: stagecast clock --help (countdown clock participant), stagecast broadcast --help (composite + outputs).`;

const gstPipeline = z
  .string()
  .trim()
  .min(1, 'is empty: give a gst-launch description, e.g. "videotestsrc ! queue name=video"');

const joinOptionsSchema = z
  .object({
    meetingUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL like https://meet.example.com/MyRoom' }),
    nick: z.string().trim().min(1).max(100).default('Stagecast'),
    token: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    userPassword: z.string().min(1).optional(),
    webSocketUrl: z.url({ protocol: /^wss?$/, error: 'must be a ws:// or wss:// URL' }).optional(),
    xmppDomain: z.string().min(1).optional(),
    mucDomain: z.string().min(1).optional(),
    focusJid: z.string().min(1).optional(),
    roomName: z.string().min(1).optional(),
    caFile: z.string().min(1).optional(),
    lobbyTimeoutSeconds: z.number().int().positive().max(86_400).default(300),
    sendPipeline: gstPipeline.optional(),
    sendDesktopPipeline: gstPipeline.optional(),
    videoCodec: z.enum(['vp8', 'h264']).default('vp8'),
    recvPipelineParticipantTemplate: gstPipeline.optional(),
    recvPipeline: gstPipeline.optional(),
    lastN: z.number().int().min(-1).default(-1),
    selectEndpoints: z.array(z.string().regex(/^[A-Za-z0-9_-]+$/, 'endpoint ids are letters, digits, - and _')).default([]),
    recvVideoHeight: z.number().int().min(0).max(4320).default(720),
    metricsPort: z.number().int().min(1).max(65535).optional(),
    verbosity: z.number().int().min(0).max(2).default(0),
  })
  .superRefine((o, ctx) => {
    if (o.recvPipeline && o.recvPipelineParticipantTemplate) {
      ctx.addIssue({
        code: 'custom',
        path: ['recvPipeline'],
        message: 'use either --recv-pipeline or --recv-pipeline-participant-template, not both',
      });
    }
    if (o.sendDesktopPipeline !== undefined && o.sendPipeline === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['sendDesktopPipeline'],
        message: 'needs --send-pipeline too (the screen share is sent next to the camera/microphone pipeline)',
      });
    }
    if (o.sendDesktopPipeline !== undefined && !/\bname\s*=\s*"?video\b/.test(o.sendDesktopPipeline)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sendDesktopPipeline'],
        message: 'needs an element named "video" (end it in `! queue name=video`)',
      });
    }
    if ((o.username === undefined) !== (o.userPassword === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: '--username and --user-password go together' });
    }
  });

export type JoinOptions = z.infer<typeof joinOptionsSchema>;

export type ParsedCommand = { command: 'help'; text: string } | { command: 'join'; options: JoinOptions };

const FLAG_OF_FIELD: Record<string, string> = {
  meetingUrl: '<meeting-url>',
  nick: '--nick',
  token: '--token',
  password: '--password',
  username: '--username',
  userPassword: '--user-password',
  webSocketUrl: '--web-socket-url',
  lobbyTimeoutSeconds: '--lobby-timeout',
  sendPipeline: '--send-pipeline',
  sendDesktopPipeline: '--send-desktop-pipeline',
  videoCodec: '--video-codec',
  recvPipelineParticipantTemplate: '--recv-pipeline-participant-template',
  recvPipeline: '--recv-pipeline',
  lastN: '--last-n',
  selectEndpoints: '--select-endpoints',
  recvVideoHeight: '--recv-video-height',
  metricsPort: '--metrics-port',
};

function toInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value.trim())) {
    throw new CliError('invalid-option', `${flag} expects a whole number, got "${value}"`);
  }
  return Number.parseInt(value, 10);
}

/** Parses argv (without node and script path). Throws CliError('usage'|'invalid-option') with a fix in the message. */
export function parseCommandLine(argv: readonly string[]): ParsedCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    return { command: 'help', text: JOIN_HELP };
  }
  if (command !== 'join') {
    throw new CliError('usage', `unknown command "${command}". Run "stagecast join|clock|broadcast <meeting-url>" (see --help).`);
  }
  let parsed: ReturnType<typeof parseJoinFlags>;
  try {
    parsed = parseJoinFlags(rest);
  } catch (error: unknown) {
    if (error instanceof CliError) throw error;
    // node:util parseArgs errors already name the flag ("Unknown option '--foo'").
    const message = error instanceof Error ? error.message : String(error);
    throw new CliError('usage', `${message}. See "stagecast join --help".`, { cause: error });
  }
  const { values, positionals } = parsed;
  if (values.help) return { command: 'help', text: JOIN_HELP };
  if (positionals.length === 0) {
    throw new CliError('usage', 'missing <meeting-url>: run "stagecast join https://meet.example.com/MyRoom"');
  }
  if (positionals.length > 1) {
    throw new CliError(
      'usage',
      `unexpected extra argument "${positionals[1]}": quote pipelines, e.g. --send-pipeline 'videotestsrc ! queue name=video'`,
    );
  }
  const candidate = {
    meetingUrl: positionals[0],
    nick: values.nick,
    token: values.token ?? values.jwt,
    password: values.password,
    username: values.username,
    userPassword: values['user-password'],
    webSocketUrl: values['web-socket-url'],
    xmppDomain: values['xmpp-domain'],
    mucDomain: values['muc-domain'],
    focusJid: values['focus-jid'],
    roomName: values['room-name'],
    caFile: values['ca-file'],
    lobbyTimeoutSeconds: toInt('--lobby-timeout', values['lobby-timeout']),
    sendPipeline: values['send-pipeline'],
    sendDesktopPipeline: values['send-desktop-pipeline'],
    videoCodec: values['video-codec']?.toLowerCase(),
    recvPipelineParticipantTemplate: values['recv-pipeline-participant-template'],
    recvPipeline: values['recv-pipeline'],
    lastN: toInt('--last-n', values['last-n']),
    selectEndpoints: values['select-endpoints']
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    recvVideoHeight: toInt('--recv-video-height', values['recv-video-height']),
    metricsPort: toInt('--metrics-port', values['metrics-port']),
    verbosity: Math.min(values.verbose?.length ?? 0, 2),
  };
  const result = joinOptionsSchema.safeParse(candidate);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      return `${FLAG_OF_FIELD[field] ?? `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`} ${issue.message}`;
    });
    throw new CliError('invalid-option', problems.join('\n'));
  }
  return { command: 'join', options: result.data };
}

function parseJoinFlags(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      verbose: { type: 'boolean', short: 'v', multiple: true },
      nick: { type: 'string' },
      token: { type: 'string' },
      jwt: { type: 'string' },
      password: { type: 'string' },
      username: { type: 'string' },
      'user-password': { type: 'string' },
      'web-socket-url': { type: 'string' },
      'xmpp-domain': { type: 'string' },
      'muc-domain': { type: 'string' },
      'focus-jid': { type: 'string' },
      'room-name': { type: 'string' },
      'ca-file': { type: 'string' },
      'lobby-timeout': { type: 'string' },
      'send-pipeline': { type: 'string' },
      'send-desktop-pipeline': { type: 'string' },
      'video-codec': { type: 'string' },
      'recv-pipeline-participant-template': { type: 'string' },
      'recv-pipeline': { type: 'string' },
      'last-n': { type: 'string' },
      'select-endpoints': { type: 'string' },
      'recv-video-height': { type: 'string' },
      'metrics-port': { type: 'string' },
    },
  });
}

/** Options as they may be logged: secrets replaced. */
export function redactJoinOptions(options: JoinOptions): Record<string, unknown> {
  const url = new URL(options.meetingUrl);
  for (const key of ['token', 'jwt', 'pwd', 'password']) {
    if (url.searchParams.has(key)) url.searchParams.set(key, '[redacted]');
  }
  return {
    ...options,
    meetingUrl: url.toString(),
    token: options.token ? '[redacted]' : undefined,
    password: options.password ? '[redacted]' : undefined,
    userPassword: options.userPassword ? '[redacted]' : undefined,
  };
}

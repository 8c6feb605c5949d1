/**
 * Deployment discovery (docs/jitsi-protocol.md §1): meeting URL → config.js → hosts, MUC, focus, WebSocket URL.
 * config.js is JavaScript, not JSON: it is evaluated in an empty `vm` context (no require/process/globals beyond
 * the ECMAScript built-ins) with a timeout. Every value can be overridden explicitly.
 */
import http from 'node:http';
import https from 'node:https';
import vm from 'node:vm';
import { z } from 'zod';
import { ConnectionError } from '../errors.js';
import { redact } from '../logger.js';
import { classifyNetworkError } from './network-errors.js';

export interface DeploymentOverrides {
  domain?: string;
  anonymousDomain?: string;
  muc?: string;
  focus?: string;
  focusUserJid?: string;
  websocketUrl?: string;
  conferenceRequestUrl?: string;
}

export interface Deployment {
  /** `https://host` of the meeting URL (Origin header for the bridge channel). */
  origin: string;
  tenant?: string;
  /** Normalised room name (the JID node). */
  room: string;
  domain: string;
  anonymousDomain?: string;
  muc: string;
  focus: string;
  focusUserJid?: string;
  /** WebSocket base URL without query; build the service URL with `serviceUrl()`. */
  websocketUrl: string;
  conferenceRequestUrl?: string;
}

export interface DiscoverOptions {
  /** `https://host[/tenant]/room`. Optional when every override (domain, muc, websocketUrl) and `room` are given. */
  meetingUrl?: string;
  room?: string;
  overrides?: DeploymentOverrides;
  /** Skip downloading config.js (all needed values from overrides). */
  skipConfigJs?: boolean;
  timeoutMs?: number;
  /** Extra CA certificates (PEM) for self-signed deployments; never a global "insecure" switch. */
  ca?: string | Buffer;
}

const JID_NODE_FORBIDDEN = /["&'/:<>@\s]/;

/**
 * jitsi-meet `getBackendSafeRoomName`: URI-decode, NFKC-normalise, lower-case. A room JID in the wrong case waits
 * forever for a session (§1).
 */
export function normaliseRoomName(raw: string): string {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new ConnectionError('config-invalid', `Room name "${raw}" is not valid URI encoding; pass the room as it appears in the meeting URL.`);
  }
  const room = decoded.normalize('NFKC').toLowerCase().trim();
  if (!room) throw new ConnectionError('config-invalid', 'The room name is empty; the meeting URL must end with /<room>.');
  if (JID_NODE_FORBIDDEN.test(room)) {
    throw new ConnectionError('config-invalid', `Room name "${room}" contains characters not allowed in a room JID (space " & ' / : < > @); choose another room name.`);
  }
  return room;
}

export interface MeetingUrlParts {
  origin: string;
  tenant?: string;
  room: string;
  /** `https://host[/tenant]/` — where config.js and /xmpp-websocket live. */
  base: string;
}

export function parseMeetingUrl(meetingUrl: string): MeetingUrlParts {
  let url: URL;
  try {
    url = new URL(meetingUrl);
  } catch {
    throw new ConnectionError('config-invalid', `"${redact(meetingUrl)}" is not a URL; use https://<host>[/<tenant>]/<room>.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConnectionError('config-invalid', `Meeting URL must be http(s), got ${url.protocol}; use https://<host>/<room>.`);
  }
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length === 0 || segments.length > 2) {
    throw new ConnectionError('config-invalid', `Meeting URL "${redact(meetingUrl)}" must look like https://<host>[/<tenant>]/<room>.`);
  }
  const roomSegment = segments[segments.length - 1] as string;
  const tenant = segments.length === 2 ? segments[0] : undefined;
  const base = new URL(tenant ? `/${tenant}/` : '/', url.origin).toString();
  const parts: MeetingUrlParts = { origin: url.origin, room: normaliseRoomName(roomSegment), base };
  if (tenant) parts.tenant = tenant;
  return parts;
}

const configSchema = z.looseObject({
  hosts: z.looseObject({
    domain: z.string().min(1),
    anonymousdomain: z.string().min(1).optional(),
    muc: z.string().min(1),
    focus: z.string().min(1).optional(),
  }),
  focusUserJid: z.string().optional(),
  websocket: z.string().optional(),
  conferenceRequestUrl: z.string().optional(),
});
export type JitsiConfigJs = z.infer<typeof configSchema>;

/** Evaluates config.js text in an isolated context and validates the keys Stagecast needs. */
export function evaluateConfigJs(source: string, timeoutMs = 1000): JitsiConfigJs {
  const sandbox: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  const context = vm.createContext(sandbox, { codeGeneration: { strings: false, wasm: false } });
  try {
    vm.runInContext(source, context, { timeout: timeoutMs, filename: 'config.js' });
  } catch (err) {
    throw new ConnectionError(
      'config-invalid',
      `config.js could not be evaluated (${err instanceof Error ? err.message : String(err)}); check the deployment or pass --xmpp-domain/--muc/--websocket overrides.`,
      { cause: err },
    );
  }
  const parsed = configSchema.safeParse(sandbox['config']);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConnectionError(
      'config-invalid',
      `config.js has no usable "config" object (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}); pass explicit overrides (domain, muc, websocketUrl).`,
    );
  }
  return parsed.data;
}

/** Downloads a text resource with a timeout and typed network errors. */
export function fetchText(url: string, options: { timeoutMs: number; ca?: string | Buffer }): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.get(u, { timeout: options.timeoutMs, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(
          new ConnectionError(
            'config-fetch-failed',
            `GET ${redact(url)} answered HTTP ${res.statusCode}; check the meeting URL or pass explicit overrides.`,
          ),
        );
        return;
      }
      res.setEncoding('utf8');
      let body = '';
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 2_000_000) req.destroy(new Error('config.js larger than 2 MB'));
      });
      res.on('end', () => resolve(body));
      res.on('error', (err) => reject(classifyNetworkError(err, url, 'config-fetch-failed')));
    });
    req.on('timeout', () => req.destroy(new ConnectionError('timeout', `GET ${redact(url)} timed out after ${options.timeoutMs} ms; check network access to the deployment.`)));
    req.on('error', (err) => reject(err instanceof ConnectionError ? err : classifyNetworkError(err, url, 'config-fetch-failed')));
  });
}

function defaultWebsocket(base: string): string {
  const u = new URL('xmpp-websocket', base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export async function discoverDeployment(options: DiscoverOptions): Promise<Deployment> {
  const o = options.overrides ?? {};
  const timeoutMs = options.timeoutMs ?? 10_000;
  const parts = options.meetingUrl ? parseMeetingUrl(options.meetingUrl) : undefined;
  const room = options.room !== undefined ? normaliseRoomName(options.room) : parts?.room;
  if (!room) throw new ConnectionError('config-invalid', 'No room given: pass a meeting URL https://<host>/<room> or the room option.');

  let cfg: JitsiConfigJs | undefined;
  if (!options.skipConfigJs) {
    if (!parts) throw new ConnectionError('config-invalid', 'No meeting URL to download config.js from; pass meetingUrl or skipConfigJs with overrides.');
    const text = await fetchText(new URL('config.js', parts.base).toString(), { timeoutMs, ...(options.ca ? { ca: options.ca } : {}) });
    cfg = evaluateConfigJs(text);
  }
  const domain = o.domain ?? cfg?.hosts.domain;
  const muc = o.muc ?? cfg?.hosts.muc;
  const websocket = o.websocketUrl ?? cfg?.websocket ?? (parts ? defaultWebsocket(parts.base) : undefined);
  if (!domain || !muc || !websocket) {
    throw new ConnectionError('config-invalid', 'XMPP domain, MUC domain and WebSocket URL are all required; pass them as overrides when config.js is not used.');
  }
  let wsUrl: URL;
  try {
    wsUrl = new URL(websocket, parts?.base);
  } catch {
    throw new ConnectionError('config-invalid', `WebSocket URL "${redact(websocket)}" is invalid; expected wss://<host>/xmpp-websocket.`);
  }
  if (wsUrl.protocol !== 'wss:' && wsUrl.protocol !== 'ws:') {
    throw new ConnectionError('config-invalid', `WebSocket URL must be ws(s)://, got ${wsUrl.protocol}; BOSH is not supported.`);
  }
  const deployment: Deployment = {
    origin: parts?.origin ?? new URL(wsUrl.toString().replace(/^ws/, 'http')).origin,
    room,
    domain,
    muc,
    focus: o.focus ?? cfg?.hosts.focus ?? `focus.${domain}`,
    websocketUrl: wsUrl.toString(),
  };
  const anonymousDomain = o.anonymousDomain ?? cfg?.hosts.anonymousdomain;
  if (anonymousDomain) deployment.anonymousDomain = anonymousDomain;
  const focusUserJid = o.focusUserJid ?? cfg?.focusUserJid;
  if (focusUserJid) deployment.focusUserJid = focusUserJid;
  const conferenceRequestUrl = o.conferenceRequestUrl ?? cfg?.conferenceRequestUrl;
  if (conferenceRequestUrl) deployment.conferenceRequestUrl = conferenceRequestUrl;
  if (parts?.tenant) deployment.tenant = parts.tenant;
  return deployment;
}

/** `wss://host/xmpp-websocket?room=<room>[&token=<jwt>]` built with URLSearchParams (never concatenation, jbg/gst-meet#90). */
export function serviceUrl(websocketUrl: string, params: { room: string; token?: string }): string {
  const u = new URL(websocketUrl);
  u.searchParams.set('room', params.room);
  if (params.token) u.searchParams.set('token', params.token);
  return u.toString();
}

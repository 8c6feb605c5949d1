/**
 * Testbed helpers for integration tests and `npm run testbed`: starts the real Prosody through
 * scripts/services/prosody.sh (idempotent) and reads its connection variables; serves a config.js; signs HS256 JWTs.
 */
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';

const run = promisify(execFile);
const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../scripts/services/prosody.sh');

const envSchema = z.object({
  STAGECAST_PROSODY_WEBSOCKET_URL: z.string().url(),
  STAGECAST_PROSODY_DOMAIN: z.string(),
  STAGECAST_PROSODY_MUC: z.string(),
  STAGECAST_PROSODY_LOBBY_MUC: z.string(),
  STAGECAST_PROSODY_FOCUS_COMPONENT: z.string(),
  STAGECAST_PROSODY_FOCUS_JID: z.string(),
  STAGECAST_PROSODY_FOCUS_PASSWORD: z.string(),
  STAGECAST_PROSODY_SECURE_DOMAIN: z.string(),
  STAGECAST_PROSODY_GUEST_DOMAIN: z.string(),
  STAGECAST_PROSODY_SECURE_USER: z.string(),
  STAGECAST_PROSODY_SECURE_PASSWORD: z.string(),
  STAGECAST_PROSODY_JWT_APP_ID: z.string(),
  STAGECAST_PROSODY_JWT_SECRET: z.string(),
});

export interface ProsodyTestbed {
  websocketUrl: string;
  domain: string;
  muc: string;
  lobbyMuc: string;
  focusComponent: string;
  focusJid: string;
  focusPassword: string;
  secureDomain: string;
  guestDomain: string;
  secureUser: string;
  securePassword: string;
  jwtAppId: string;
  jwtSecret: string;
}

/** Starts (or reuses) the testbed Prosody and returns its settings. */
export async function startProsody(): Promise<ProsodyTestbed> {
  await run('bash', [SCRIPT, 'start'], { timeout: 60_000 });
  const { stdout } = await run('bash', [SCRIPT, 'env'], { timeout: 10_000 });
  const vars = Object.fromEntries(
    stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const e = envSchema.parse(vars);
  return {
    websocketUrl: e.STAGECAST_PROSODY_WEBSOCKET_URL,
    domain: e.STAGECAST_PROSODY_DOMAIN,
    muc: e.STAGECAST_PROSODY_MUC,
    lobbyMuc: e.STAGECAST_PROSODY_LOBBY_MUC,
    focusComponent: e.STAGECAST_PROSODY_FOCUS_COMPONENT,
    focusJid: e.STAGECAST_PROSODY_FOCUS_JID,
    focusPassword: e.STAGECAST_PROSODY_FOCUS_PASSWORD,
    secureDomain: e.STAGECAST_PROSODY_SECURE_DOMAIN,
    guestDomain: e.STAGECAST_PROSODY_GUEST_DOMAIN,
    secureUser: e.STAGECAST_PROSODY_SECURE_USER,
    securePassword: e.STAGECAST_PROSODY_SECURE_PASSWORD,
    jwtAppId: e.STAGECAST_PROSODY_JWT_APP_ID,
    jwtSecret: e.STAGECAST_PROSODY_JWT_SECRET,
  };
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** HS256 JWT as Jitsi token auth expects (iss, aud, sub, room, exp, context.user). */
export function signJwt(secret: string, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

/** Serves `/config.js` (and `/<tenant>/config.js`) like nginx in front of jitsi-meet; body replaceable per test. */
export class ConfigJsServer {
  body: string;
  #server: http.Server;
  private constructor(body: string) {
    this.body = body;
    this.#server = http.createServer((req, res) => {
      if (req.url?.endsWith('/config.js')) {
        res.writeHead(200, { 'content-type': 'application/javascript' }).end(this.body);
      } else res.writeHead(404).end();
    });
  }
  static async start(body: string): Promise<ConfigJsServer> {
    const s = new ConfigJsServer(body);
    await new Promise<void>((resolve) => s.#server.listen(0, '127.0.0.1', () => resolve()));
    return s;
  }
  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** A config.js as a Jitsi deployment serves it for the testbed Prosody. */
export function testbedConfigJs(tb: ProsodyTestbed, extra = ''): string {
  return `var config = {
  hosts: { domain: '${tb.domain}', muc: '${tb.muc}', focus: '${tb.focusComponent}' },
  focusUserJid: '${tb.focusJid}',
  websocket: '${tb.websocketUrl}',
  videoQuality: { codecPreferenceOrder: ['AV1', 'VP9', 'VP8', 'H264'] },
};
config.p2p = { enabled: true };
${extra}`;
}

/**
 * DNS and TLS failures as a user meets them (docs/jitsi-protocol.md §19, jbg/gst-meet#7, #21): an unresolvable host,
 * a deployment with a self-signed certificate (config.js over https, XMPP over wss through a TLS front like nginx),
 * and the fix — an explicit CA option per participant, never a global "insecure" switch.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParticipant } from '../client.js';
import { ConnectionError } from '../errors.js';
import { FakeMediaPort } from '../testing/fake-media-port.js';
import { startTestbedFixture, type TestbedFixture } from '../testing/testbed-fixture.js';
import { testbedConfigJs } from '../testing/testbed.js';

const run = promisify(execFile);
let t: TestbedFixture;
let dir: string;
let cert: string;
let server: https.Server;
let origin: string;
const piped = new Set<net.Socket>();

beforeAll(async () => {
  t = await startTestbedFixture({ label: 'tls' });
  dir = await mkdtemp(path.join(tmpdir(), 'stagecast-tls-'));
  // A self-signed certificate for 127.0.0.1 (the "deployment"), made fresh per run.
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { timeout: 60_000 });
  cert = await readFile(path.join(dir, 'cert.pem'), 'utf8');
  const key = await readFile(path.join(dir, 'key.pem'), 'utf8');
  const prosody = new URL(t.tb.websocketUrl);
  server = https.createServer({ key, cert }, (req, res) => {
    if (req.url?.endsWith('/config.js')) {
      const port = (server.address() as AddressInfo).port;
      const body = testbedConfigJs({ ...t.tb, websocketUrl: `wss://127.0.0.1:${port}/xmpp-websocket` });
      res.writeHead(200, { 'content-type': 'application/javascript' }).end(body);
    } else res.writeHead(404).end();
  });
  // TLS front for /xmpp-websocket (what nginx does): forward the upgrade request to Prosody's plain HTTP port.
  server.on('upgrade', (req, socket, head) => {
    const upstream = net.connect(Number(prosody.port), prosody.hostname, () => {
      const headers = Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => `${k}: ${x}`) : [`${k}: ${v ?? ''}`]));
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    piped.add(upstream);
    piped.add(socket as net.Socket);
    const destroy = (): void => {
      socket.destroy();
      upstream.destroy();
    };
    upstream.on('error', destroy);
    socket.on('error', destroy);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => t.closeParticipants());
afterAll(async () => {
  for (const s of piped) s.destroy(); // upgraded sockets are no longer tracked by the HTTP server
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('DNS', () => {
  it('reports an unresolvable host as a dns error that names the host', async () => {
    const err = await createParticipant({ meetingUrl: 'https://meet.stagecast.invalid/room', media: new FakeMediaPort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).reason).toBe('dns');
    expect((err as Error).message).toMatch(/meet\.stagecast\.invalid.*could not be resolved/);
  });
});

describe('TLS with a self-signed deployment', () => {
  it('fails config.js with a typed tls error that says to pass the CA', async () => {
    const err = await createParticipant({ meetingUrl: `${origin}/${t.room()}`, media: new FakeMediaPort() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).reason).toBe('tls');
    expect((err as Error).message).toMatch(/CA certificate \(ca option\)/);
  });

  it('fails the XMPP WebSocket (wss) with a typed tls error when config.js is skipped', async () => {
    const r = t.room();
    const err = await createParticipant({
      room: r,
      skipConfigJs: true,
      overrides: { domain: t.tb.domain, muc: t.tb.muc, focus: t.tb.focusComponent, websocketUrl: `${origin.replace('https', 'wss')}/xmpp-websocket` },
      media: new FakeMediaPort(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).reason).toBe('tls');
    expect((err as Error).message).toMatch(/ca option/);
  });

  it('joins over https + wss when the deployment CA is passed explicitly', async () => {
    const r = t.room();
    const p = await createParticipant({ meetingUrl: `${origin}/${r}`, media: new FakeMediaPort(), ca: cert });
    try {
      expect(p.state).toBe('joined');
      expect(p.deployment.websocketUrl.startsWith('wss://127.0.0.1')).toBe(true);
    } finally {
      await p.close();
    }
    // the CA is per participant: a participant without it still fails (no process-wide trust change)
    const err = await createParticipant({ meetingUrl: `${origin}/${r}`, media: new FakeMediaPort() }).catch((e: unknown) => e);
    expect((err as ConnectionError).reason).toBe('tls');
  });
});

/**
 * `stagecast join --metrics-port`: while a real participant receives media (testbed with real RTP and GStreamer), its
 * /metrics on 127.0.0.1 shows engine health and per-source stats (bitrate, packets, decoded frames) labelled with the
 * remote source; a port already in use is a usage error naming the port.
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type CliProcess } from './testing/cli-process.js';

let tb: Testbed;
const running: CliProcess[] = [];
beforeAll(async () => {
  tb = await startTestbed({ singleParticipantTimeoutMs: 60_000 });
}, 120_000);
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      p.child.kill('SIGTERM');
      await Promise.race([p.exited, new Promise((r) => setTimeout(r, 8000))]);
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  }
});
afterAll(async () => {
  await tb?.close();
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
async function scrapeUntil(url: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await fetch(url).then(
      (r) => r.text(),
      (e: unknown) => String(e),
    );
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`metrics never matched ${pattern} within ${timeoutMs} ms; last scrape:\n${last}`);
}

describe('stagecast join --metrics-port', () => {
  it('serves per-source stats of the running participant on 127.0.0.1', async () => {
    const url = tb.meetingUrl(`metrics-${randomBytes(3).toString('hex')}`);
    const start = (...args: string[]) => {
      const p = startCli(['join', url, ...args]);
      running.push(p);
      return p;
    };
    const a = start(
      '--nick',
      'Pub',
      '--send-pipeline',
      'videotestsrc is-live=true ! video/x-raw,width=320,height=240,framerate=15/1 ! queue name=video',
    );
    const aEp = (await a.waitForLine(/^joined \S+ as ([0-9a-f]{8})/, 90_000))[1]!;
    const port = await freePort();
    const b = start(
      '--nick',
      'Watcher',
      '--metrics-port',
      String(port),
      '--recv-pipeline-participant-template',
      'fakesink',
    );
    const m = await b.waitForLine(/^metrics on (http:\/\/127\.0\.0\.1:(\d+)\/metrics)/, 90_000);
    expect(Number(m[2])).toBe(port);
    const labels = `direction="inbound",media="video",owner="${aEp}",name="${aEp}-v0"`;
    const text = await scrapeUntil(
      m[1]!,
      new RegExp(`stagecast_source_frames_decoded_total\\{[^}]*${labels}\\} ([1-9]\\d*)`),
      90_000,
    ).catch((err: unknown) => {
      // What both participants said: a failure on a loaded machine must be diagnosable from the CI log.
      const tail = (p: CliProcess) => p.lines.slice(-30).join('\n');
      throw new Error(`${err instanceof Error ? err.message : String(err)}\nPub:\n${tail(a)}\nWatcher:\n${tail(b)}`);
    });
    expect(text).toMatch(new RegExp(`stagecast_source_bitrate_bits_per_second\\{[^}]*${labels}\\} \\d+`));
    expect(text).toMatch(new RegExp(`stagecast_source_packets_total\\{[^}]*${labels}\\} [1-9]`));
    expect(text).toMatch(/stagecast_engine_resident_memory_bytes \d+/);
    // A second participant cannot take the same port: exit 64 naming it.
    const c = start('--nick', 'Clash', '--metrics-port', String(port));
    const { code } = await c.exited;
    expect(code).toBe(64);
    expect(c.stderr()).toMatch(new RegExp(`--metrics-port ${port}: .*pick another port`));
    b.child.kill('SIGINT');
    expect((await b.exited).code).toBe(0);
    await expect(fetch(m[1]!)).rejects.toThrow();
  }, 240_000);
});

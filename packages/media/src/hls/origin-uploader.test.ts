import { createServer, type Server } from 'node:http';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { OriginUploader } from './origin-uploader.js';

/** A tiny in-memory WebDAV-ish origin that can be taken down and brought back on the same port. */
async function startOrigin(port = 0) {
  const files = new Map<string, string>();
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      log.push(`${req.method} ${req.url}`);
      if (req.method === 'PUT') files.set(req.url!, Buffer.concat(chunks).toString());
      if (req.method === 'DELETE') {
        if (!files.delete(req.url!)) return void res.writeHead(404).end();
      }
      res.writeHead(req.method === 'PUT' ? 201 : 204).end();
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const close = () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r())));
  return { files, log, port: (server.address() as AddressInfo).port, close };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function segmentFile(name: string, body: string) {
  const dir = await mkdtemp(join(tmpdir(), 'uploader-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, name);
  await writeFile(path, body);
  return path;
}

describe('OriginUploader', () => {
  it('uploads segments before the playlist that references them and deletes on request', async () => {
    const origin = await startOrigin();
    cleanups.push(origin.close);
    const up = new OriginUploader({ baseUrl: `http://127.0.0.1:${origin.port}/hls/room` });
    cleanups.push(() => up.close());
    up.putSegment('seg-0.ts', await segmentFile('seg-0.ts', 'AAAA'));
    up.putPlaylist('index.m3u8', '#EXTM3U\nseg-0.ts\n');
    expect(await up.flush()).toBe(true);
    expect(origin.log).toEqual(['PUT /hls/room/seg-0.ts', 'PUT /hls/room/index.m3u8']);
    expect(origin.files.get('/hls/room/seg-0.ts')).toBe('AAAA');
    up.deleteFile('seg-0.ts');
    up.deleteFile('never-existed.ts'); // 404 counts as done
    expect(await up.flush()).toBe(true);
    expect(origin.files.has('/hls/room/seg-0.ts')).toBe(false);
    expect(up.stats).toMatchObject({ uploaded: 2, deleted: 1, healthy: true });
  });

  it('keeps queueing while the origin is down, retries with backoff, and recovers', async () => {
    const first = await startOrigin();
    const port = first.port;
    await first.close(); // origin down
    const up = new OriginUploader({
      baseUrl: `http://127.0.0.1:${port}/hls/r/`,
      initialBackoffMs: 20,
      maxBackoffMs: 100,
    });
    cleanups.push(() => up.close());
    for (let i = 0; i < 3; i++) up.putSegment(`seg-${i}.ts`, await segmentFile(`seg-${i}.ts`, `S${i}`));
    up.putPlaylist('index.m3u8', 'v1');
    up.putPlaylist('index.m3u8', 'v2'); // supersedes v1: only the newest playlist is ever sent
    await new Promise((r) => setTimeout(r, 300));
    expect(up.stats.retries).toBeGreaterThan(0);
    expect(up.stats.healthy).toBe(false);
    const back = await startOrigin(port);
    cleanups.push(back.close);
    expect(await up.flush(10_000)).toBe(true);
    expect([...back.files.keys()].sort()).toEqual([
      '/hls/r/index.m3u8',
      '/hls/r/seg-0.ts',
      '/hls/r/seg-1.ts',
      '/hls/r/seg-2.ts',
    ]);
    expect(back.files.get('/hls/r/index.m3u8')).toBe('v2');
    expect(back.log.at(-1)).toBe('PUT /hls/r/index.m3u8');
    expect(up.stats.healthy).toBe(true);
  });

  it('bounds the queue during a long outage by dropping the oldest segments', async () => {
    const first = await startOrigin();
    const port = first.port;
    await first.close();
    const up = new OriginUploader({
      baseUrl: `http://127.0.0.1:${port}/x/`,
      initialBackoffMs: 10,
      maxBackoffMs: 20,
      maxQueuedSegments: 3,
    });
    cleanups.push(() => up.close());
    for (let i = 0; i < 8; i++) up.putSegment(`seg-${i}.ts`, await segmentFile(`seg-${i}.ts`, 'x'));
    const back = await startOrigin(port);
    cleanups.push(back.close);
    expect(await up.flush(10_000)).toBe(true);
    const uploaded = [...back.files.keys()];
    expect(uploaded).toContain('/x/seg-7.ts');
    expect(uploaded.length).toBeLessThanOrEqual(4); // the one in flight + the 3 newest
    expect(up.stats.dropped).toBeGreaterThanOrEqual(4);
  });

  it('rejects non-http origins and closes idempotently', async () => {
    expect(() => new OriginUploader({ baseUrl: 'ftp://x/' })).toThrow(/must be http/);
    const up = new OriginUploader({ baseUrl: 'http://127.0.0.1:9/' });
    await up.close();
    await up.close();
    expect(() => up.putPlaylist('a.m3u8', 'x')).toThrow(/closed/);
  });
});

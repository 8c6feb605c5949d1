/**
 * `stagecast playout` end to end: a real CLI process in a testbed room (Prosody + test focus + forwarding bridge),
 * driven by commands on stdin (pause, resume, skip), and a recorder participant whose received frames are classified
 * by colour (@stagecast/media/testing): countdown → talk → paused slate → talk → Q&A slate.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { classifyFrames, mainSegments, makeTestTalk } from '@stagecast/media/testing';
import { startParticipant } from '@stagecast/participant';
import { startTestbed, type Testbed } from '@stagecast/testbed';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
let tb: Testbed;
const dir = mkdtempSync(join(tmpdir(), 'stagecast-cli-playout-'));
const talk = join(dir, 'talk.webm');

beforeAll(async () => {
  makeTestTalk(talk, { seconds: 20 });
  tb = await startTestbed({ singleParticipantTimeoutMs: 120_000 });
}, 180_000);
afterAll(async () => {
  await tb?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startPlayoutCli(args: string[]) {
  const child = spawn(process.execPath, ['--conditions=@stagecast/source', '--import', 'tsx', MAIN, 'playout', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buf = '';
  const waiters = new Set<() => void>();
  child.stderr.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    for (const w of [...waiters]) w();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitForLine = (re: RegExp, timeoutMs = 60_000, from = 0) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        for (let k = from; k < lines.length; k++) {
          const m = lines[k]!.match(re);
          if (m) {
            waiters.delete(check);
            clearTimeout(t);
            resolve(m);
            return;
          }
        }
      };
      const t = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out waiting for ${re}; output:\n${lines.join('\n')}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return { child, lines, exited, waitForLine, send: (cmd: string) => child.stdin.write(`${cmd}\n`) };
}

describe('stagecast playout (testbed, real media)', () => {
  it('counts down, plays at --at, obeys pause/resume/skip on stdin, shows the slate, leaves after the end', async () => {
    const room = `cli-playout-${randomBytes(3).toString('hex')}`;
    const url = tb.meetingUrl(room);
    const file = join(dir, `${room}.mkv`);
    const rx = await startParticipant({
      meeting: { meetingUrl: url, displayName: 'Recorder' },
      media: { receive: { mode: 'template', video: `queue ! videoconvert ! jpegenc quality=70 ! matroskamux ! filesink location=${file}` } },
    });
    const cli = startPlayoutCli([
      url, '--file', talk, '--at', '+30', '--title', 'CLI talk', '--width', '640', '--height', '360',
      '--video-bitrate', '800000', '--leave-after-end', '2',
    ]);
    try {
      await cli.waitForLine(/^joined \S+ as [0-9a-f]+/, 90_000);
      await cli.waitForLine(/^playout scheduled \(scheduled\)/, 60_000);
      await cli.waitForLine(/^playout playing \(switched\)/, 60_000);
      await new Promise((r) => setTimeout(r, 3000));
      cli.send('pause');
      await cli.waitForLine(/^pause → paused position \d+\.\d s/, 20_000);
      await new Promise((r) => setTimeout(r, 3000));
      const mark = cli.lines.length;
      cli.send('resume');
      await cli.waitForLine(/^playout playing \(switched\) at \d+\.\d s/, 20_000, mark);
      await new Promise((r) => setTimeout(r, 3000));
      cli.send('status');
      await cli.waitForLine(/^status → playing position \d+\.\d s of 20\.0 s/, 20_000);
      cli.send('skip');
      await cli.waitForLine(/^playout ended \(skipped\)/, 20_000);
      await cli.waitForLine(/^left the room/, 60_000);
      expect(await cli.exited).toBe(0);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
      await rx.close();
    }
    const { layers } = await classifyFrames(file);
    const seg = mainSegments(layers);
    expect(seg.map((s) => s.layer)).toEqual(['countdown', 'talk', 'slate', 'talk', 'slate']);
  }, 300_000);
});

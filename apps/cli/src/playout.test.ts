import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliError } from './errors.js';
import { parseAt, parsePlayoutArgs } from './playout.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-playout-'));
const file = join(dir, 'talk.webm');
writeFileSync(file, 'x');
const url = 'https://meet.example.org/room';

describe('stagecast playout arguments', () => {
  it('parses a full command line', () => {
    const o = parsePlayoutArgs(
      [url, '--file', file, '--at', '2026-11-21T14:00:00+01:00', '--title', 'Talk', '--speakers', 'A, B', '--late-policy', 'join-in',
        '--after', 'countdown', '--next-at', '+3600', '--next-title', 'Next', '--mute-after', '--join-before', '60', '--width', '640', '--height', '360'],
      1_000_000,
    );
    expect(o).toMatchObject({
      meetingUrl: url,
      joinBeforeMs: 60_000,
      playout: {
        location: file,
        startsAt: Date.parse('2026-11-21T13:00:00Z'),
        latePolicy: 'join-in',
        width: 640,
        height: 360,
        countdown: { title: 'Talk', speakers: ['A', 'B'] },
        after: { kind: 'countdown', startsAt: 1_000_000 + 3_600_000, title: 'Next' },
        muteVideoAfterEnd: true,
      },
    });
  });
  it('relative times and defaults', () => {
    const o = parsePlayoutArgs([url, '--file', file, '--at', '+20'], 5000);
    expect(o).toMatchObject({ playout: { startsAt: 25_000, latePolicy: 'from-start', after: { kind: 'slate', text: 'Q&A' } }, leaveAfterEndMs: null });
    expect(parseAt('--at', '+1.5', 0)).toBe(1500);
  });
  it('rejects what it cannot use, naming the fix', () => {
    const err = (args: string[]) => {
      try {
        parsePlayoutArgs(args);
      } catch (e) {
        return e as CliError;
      }
      throw new Error('no error');
    };
    expect(err([url, '--at', '+5']).message).toMatch(/--file is required/);
    expect(err([url, '--file', join(dir, 'missing.webm'), '--at', '+5']).message).toMatch(/does not exist/);
    expect(err([url, '--file', file, '--at', '14:00']).message).toMatch(/ISO 8601 time with offset/);
    expect(err([url, '--file', file, '--at', '+5', '--late-policy', 'later']).exitCode).toBe(64);
    expect(err([url, '--file', file, '--at', '+5', '--after', 'countdown']).message).toMatch(/--next-at/);
    expect(err(['ftp://x', '--file', file, '--at', '+5']).message).toMatch(/http\(s\) URL/);
  });
});

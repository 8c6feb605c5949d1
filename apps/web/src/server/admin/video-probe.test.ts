import { describe, expect, it } from 'vitest';
import { AdminError } from './errors.js';
import { parseDiscovererOutput } from './video-probe.js';

// Outputs as printed by gst-discoverer-1.0 1.22 (gst-plugins-base tools/gst-discoverer.c).
const webm = `Analyzing file:///tmp/t.webm
Done discovering file:///tmp/t.webm

Properties:
  Duration: 0:00:02.000000000
  Seekable: yes
  Live: no
  container #0: WebM
    video #1: VP8
      Stream ID: 5b46/001
      Width: 320
      Height: 240
      Depth: 24
      Frame rate: 30/1
    audio #2: Opus
      Stream ID: 5b46/002
`;

function reason(output: string): string {
  try {
    parseDiscovererOutput(output);
  } catch (error: unknown) {
    return error instanceof AdminError ? `${error.reason}: ${error.message}` : String(error);
  }
  return 'accepted';
}

describe('parseDiscovererOutput', () => {
  it('reads duration, container, codecs and size', () => {
    expect(parseDiscovererOutput(webm)).toEqual({
      durationMs: 2000,
      container: 'WebM',
      videoCodec: 'VP8',
      audioCodec: 'Opus',
      width: 320,
      height: 240,
    });
    expect(parseDiscovererOutput(webm.replace('0:00:02.000000000', '1:02:03.456789000')).durationMs).toBe(3_723_457);
  });

  it('rejects undecodable, audio-only, zero-length and plugin-less files with a reason and a fix', () => {
    expect(
      reason(
        'Analyzing file:///x\nAn error was encountered while discovering the file\n Could not determine type of stream.\n',
      ),
    ).toMatch(/^video-unreadable: the file is not a readable video \(Could not determine type of stream.\)/);
    expect(reason(webm.replace(/ {4}video #1: VP8\n(?: {6}.+\n)+/, ''))).toMatch(/^video-no-video-stream/);
    expect(reason(webm.replace('0:00:02.000000000', '0:00:00.000000000'))).toMatch(
      /^video-unreadable: .*no known duration/,
    );
    expect(reason('Analyzing x\nMissing plugins\n  H.265 decoder\n')).toMatch(
      /^video-unreadable: .*H\.265 decoder.*re-encode/,
    );
  });
});

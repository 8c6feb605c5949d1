import { describe, expect, it } from 'vitest';
import { parseCommandLine, redactJoinOptions } from './args.js';
import { CliError } from './errors.js';

function join(...argv: string[]) {
  const parsed = parseCommandLine(['join', ...argv]);
  if (parsed.command !== 'join') throw new Error('expected join');
  return parsed.options;
}

function failure(argv: string[]): CliError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('expected a CliError');
}

describe('parseCommandLine', () => {
  it('prints help without arguments and with --help', () => {
    expect(parseCommandLine([]).command).toBe('help');
    expect(parseCommandLine(['join', '--help']).command).toBe('help');
    const help = parseCommandLine(['--help']);
    expect(help.command === 'help' && help.text).toContain('--recv-pipeline-participant-template');
  });

  it('applies defaults', () => {
    const o = join('https://meet.example.com/MyRoom');
    expect(o).toMatchObject({ nick: 'Stagecast', videoCodec: 'vp8', lastN: -1, recvVideoHeight: 720, verbosity: 0 });
    expect(o.selectEndpoints).toEqual([]);
  });

  it('accepts gst-meet style flags', () => {
    const o = join(
      'https://meet.example.com/room',
      '--nick',
      'Stage 1',
      '--send-pipeline',
      'videotestsrc is-live=true ! queue name=video',
      '--recv-pipeline-participant-template',
      'queue name=video ! fakesink name={participant_id}',
      '--video-codec',
      'H264',
      '--last-n',
      '3',
      '--select-endpoints',
      'abc123, def456',
      '--recv-video-height',
      '360',
      '--jwt',
      'eyJ.x.y',
      '-v',
      '-v',
    );
    expect(o).toMatchObject({
      nick: 'Stage 1',
      videoCodec: 'h264',
      lastN: 3,
      selectEndpoints: ['abc123', 'def456'],
      recvVideoHeight: 360,
      token: 'eyJ.x.y',
      verbosity: 2,
    });
  });

  it('rejects unknown commands, unknown flags and missing urls with a fix', () => {
    expect(failure(['leave']).message).toMatch(/unknown command "leave"/);
    const unknown = failure(['join', 'https://m.example/r', '--bogus']);
    expect(unknown.reason).toBe('usage');
    expect(unknown.message).toMatch(/--bogus/);
    expect(failure(['join']).message).toMatch(/missing <meeting-url>/);
    expect(failure(['join', 'https://a/b', 'extra']).message).toMatch(/quote pipelines/);
  });

  it('names the flag of an invalid value', () => {
    expect(failure(['join', 'ftp://x/y']).message).toMatch(/<meeting-url> must be an http\(s\) URL/);
    expect(failure(['join', 'https://a/b', '--video-codec', 'av1']).message).toMatch(/--video-codec/);
    expect(failure(['join', 'https://a/b', '--last-n', 'many']).message).toMatch(/--last-n expects a whole number/);
    expect(failure(['join', 'https://a/b', '--last-n', '-2']).message).toMatch(/--last-n/);
    expect(failure(['join', 'https://a/b', '--send-pipeline', '  ']).message).toMatch(/--send-pipeline is empty/);
    const both = failure(['join', 'https://a/b', '--recv-pipeline', 'fakesink', '--recv-pipeline-participant-template', 'fakesink']);
    expect(both.message).toMatch(/either --recv-pipeline or --recv-pipeline-participant-template/);
    expect(both.exitCode).toBe(64);
  });

  it('takes a screen-share pipeline next to the send pipeline', () => {
    const o = join('https://a/b', '--send-pipeline', 'videotestsrc ! queue name=video', '--send-desktop-pipeline', 'ximagesrc ! queue name=video');
    expect(o.sendDesktopPipeline).toBe('ximagesrc ! queue name=video');
    expect(failure(['join', 'https://a/b', '--send-desktop-pipeline', 'ximagesrc ! queue name=video']).message).toMatch(
      /--send-desktop-pipeline needs --send-pipeline too/,
    );
    expect(
      failure(['join', 'https://a/b', '--send-pipeline', 'videotestsrc ! queue name=video', '--send-desktop-pipeline', 'ximagesrc ! fakesink']).message,
    ).toMatch(/--send-desktop-pipeline needs an element named "video"/);
  });

  it('redacts secrets for logging', () => {
    const o = join('https://meet.example.com/room?token=secret1', '--password', 'p4ss', '--token', 'jwt-secret');
    const logged = JSON.stringify(redactJoinOptions(o));
    expect(logged).not.toMatch(/secret1|p4ss|jwt-secret/);
    expect(logged).toContain('[redacted]');
  });
});

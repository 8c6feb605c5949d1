import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { AdminError } from './errors.js';

/** What GStreamer's discoverer found in an uploaded file. */
export interface VideoProbe {
  durationMs: number;
  container: string | null;
  videoCodec: string | null;
  audioCodec: string | null;
  width: number | null;
  height: number | null;
}

function durationToMs(text: string): number {
  // gst-discoverer prints GST_TIME_FORMAT: H:MM:SS.nnnnnnnnn
  const match = /^(\d+):(\d{2}):(\d{2})\.(\d{1,9})$/.exec(text.trim());
  if (!match) return 0;
  const [, h, m, s, frac] = match;
  const nanos = Number((frac ?? '0').padEnd(9, '0'));
  return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000 + nanos / 1e6);
}

/**
 * Parses `gst-discoverer-1.0` text output (gst-plugins-base tools/gst-discoverer.c). It exits 0 even when discovery
 * fails, so failures are recognised by its error lines. Throws AdminError with the reason a user can act on.
 */
export function parseDiscovererOutput(output: string): VideoProbe {
  const missing = /Missing plugins\s*\n((?:\s+.+\n?)+)/.exec(output);
  if (missing) {
    throw new AdminError(
      'video-unreadable',
      `the file uses a format this server cannot decode (${missing[1]?.trim().split('\n')[0]?.trim()}); re-encode it as MP4 (H.264/AAC) or WebM (VP8/VP9, Opus)`,
    );
  }
  const error = /An error was encountered while discovering the file\s*\n\s*(.+)/.exec(output);
  if (error) {
    throw new AdminError(
      'video-unreadable',
      `the file is not a readable video (${error[1]?.trim()}); check that the upload is complete and not corrupted, or re-encode it`,
    );
  }
  const duration = /^\s*Duration:\s*(\S+)/m.exec(output);
  const video = /^\s*video #\d+:\s*(.+)$/m.exec(output);
  if (!video) {
    throw new AdminError(
      'video-no-video-stream',
      'the file contains no video stream; upload a video file (MP4 or WebM)',
    );
  }
  const audio = /^\s*audio #\d+:\s*(.+)$/m.exec(output);
  const container = /^\s*container(?: #\d+)?:\s*(.+)$/m.exec(output);
  // Width/Height follow the video stream line.
  const afterVideo = output.slice((video.index ?? 0) + video[0].length);
  const width = /^\s*Width:\s*(\d+)/m.exec(afterVideo);
  const height = /^\s*Height:\s*(\d+)/m.exec(afterVideo);
  const durationMs = duration?.[1] ? durationToMs(duration[1]) : 0;
  if (durationMs <= 0) {
    throw new AdminError(
      'video-unreadable',
      'the video has no known duration (a live or truncated stream?); upload a complete, seekable file',
    );
  }
  return {
    durationMs,
    container: container?.[1]?.trim() ?? null,
    videoCodec: video[1]?.trim() ?? null,
    audioCodec: audio?.[1]?.trim() ?? null,
    width: width ? Number(width[1]) : null,
    height: height ? Number(height[1]) : null,
  };
}

export interface ProbeOptions {
  /** Discovery timeout (passed to the tool, and enforced here with a kill). Default 30 s. */
  timeoutMs?: number;
  /** Binary; default `gst-discoverer-1.0` from gstreamer1.0-plugins-base-apps. */
  command?: string;
}

/** Runs GStreamer's discoverer on a local file. */
export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const command = options.command ?? 'gst-discoverer-1.0';
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(command, ['-t', String(Math.ceil(timeoutMs / 1000)), pathToFileURL(path).href], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (text.length < 200_000) text += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (text.length < 200_000) text += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new AdminError('video-unreadable', `probing the video took longer than ${timeoutMs / 1000} s; re-encode it`),
      );
    }, timeoutMs + 5_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new Error(`${command} is not installed; install the Debian package gstreamer1.0-plugins-base-apps`, {
              cause: error,
            })
          : error,
      );
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  return parseDiscovererOutput(output);
}

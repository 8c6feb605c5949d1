import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AdminError } from './errors.js';
import { probeVideo, type ProbeOptions, type VideoProbe } from './video-probe.js';

/** Container types accepted for talk videos, by MIME type and by file extension. */
export const allowedVideoTypes: Record<string, string> = {
  'video/mp4': '.mp4',
  'video/webm': '.webm',
  'video/quicktime': '.mov',
  'video/x-matroska': '.mkv',
};
const allowedExtensions = new Set(['.mp4', '.m4v', '.webm', '.mov', '.mkv']);

export interface UploadLimits {
  storageDir: string;
  maxBytes: number;
}

export interface StoredUpload {
  path: string;
  sizeBytes: number;
  contentType: string;
  originalName: string;
  probe: VideoProbe;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
}

/** Rejects a declared type/name/size before reading the body. */
export function checkUploadHeaders(
  input: { contentType: string | null; fileName: string; contentLength: number | null },
  limits: Pick<UploadLimits, 'maxBytes'>,
): { contentType: string; extension: string } {
  const contentType = (input.contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const extension = extname(input.fileName).toLowerCase();
  if (!(contentType in allowedVideoTypes) || !allowedExtensions.has(extension)) {
    throw new AdminError(
      'video-type-not-allowed',
      `'${input.fileName}' (${contentType || 'no type'}) is not an allowed video; upload MP4, WebM, MOV or MKV`,
    );
  }
  if (input.contentLength !== null && input.contentLength > limits.maxBytes) {
    throw new AdminError(
      'video-too-large',
      `the file is ${formatBytes(input.contentLength)}, over the ${formatBytes(limits.maxBytes)} limit; compress it first`,
    );
  }
  return { contentType, extension };
}

/**
 * Streams the request body to `<storageDir>/talks/<talkId>/<random><ext>` (never buffering it in memory), stopping at
 * the size limit, then probes it with GStreamer's discoverer. Anything that fails removes the partial file.
 */
export async function storeTalkVideoUpload(
  input: {
    talkId: string;
    body: ReadableStream<Uint8Array> | null;
    contentType: string | null;
    fileName: string;
    contentLength: number | null;
  },
  limits: UploadLimits,
  probeOptions: ProbeOptions = {},
): Promise<StoredUpload> {
  const { contentType, extension } = checkUploadHeaders(input, limits);
  if (!input.body) throw new AdminError('invalid-request', 'the upload has no body; send the file as the request body');
  const dir = join(limits.storageDir, 'talks', input.talkId);
  await mkdir(dir, { recursive: true });
  const finalPath = join(dir, `${Date.now()}-${randomBytes(6).toString('hex')}${extension}`);
  const partPath = `${finalPath}.part`;
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > limits.maxBytes) {
        done(
          new AdminError(
            'video-too-large',
            `the upload exceeds the ${formatBytes(limits.maxBytes)} limit; compress it first`,
          ),
        );
      } else done(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(input.body as WebReadableStream<Uint8Array>),
      counter,
      createWriteStream(partPath, { flags: 'wx' }),
    );
    if (size === 0) throw new AdminError('video-unreadable', 'the uploaded file is empty');
    const probe = await probeVideo(partPath, probeOptions);
    await rename(partPath, finalPath);
    return { path: finalPath, sizeBytes: size, contentType, originalName: input.fileName, probe };
  } catch (error: unknown) {
    await rm(partPath, { force: true });
    throw error;
  }
}

import { rm } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DbError } from '@stagecast/db';
import { AuthError } from '../auth/errors.js';
import { assertCsrf, type Context } from '../api/trpc.js';
import { toTRPCError } from '../api/errors.js';
import { AdminError } from './errors.js';
import { storeTalkVideoUpload, type UploadLimits } from './video-upload.js';
import { slotFit } from '../api/routers/talk/talk-view.js';
import type { ProbeOptions } from './video-probe.js';

const httpStatus: Record<string, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_REQUEST: 400,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

/**
 * POST /api/admin/talks/<talkId>/video: the raw file as the request body (Content-Type = its MIME type,
 * X-File-Name = its name), streamed to disk and probed. Same auth as tRPC mutations: a session cookie plus same
 * origin and x-csrf-token, or an API token; the caller must organize the talk's conference.
 */
export async function handleVideoUpload(
  request: Request,
  talkId: string,
  ctx: Context,
  limits: UploadLimits,
  probe: ProbeOptions = {},
): Promise<Response> {
  try {
    const auth = await ctx.getAuth();
    if (auth.kind === 'anonymous') throw AuthError.unauthenticated();
    assertCsrf(ctx, auth);
    const conferenceId = await ctx.catalog.conferenceIdOfTalk(talkId).catch((error: unknown) => {
      if (!auth.user.isAdmin) throw AuthError.forbidden('upload videos for this talk');
      throw error;
    });
    if (!auth.user.isAdmin && !(await ctx.userRepo.isMember(auth.user.id, conferenceId))) {
      throw AuthError.forbidden('upload videos for this talk');
    }
    const talk = await ctx.talkRepo.getById(talkId);
    const rawName = request.headers.get('x-file-name');
    const fileName = rawName ? decodeURIComponent(rawName).replace(/[/\\]/g, '_').slice(0, 200) : 'upload';
    const lengthHeader = request.headers.get('content-length');
    const storageDir = isAbsolute(limits.storageDir) ? limits.storageDir : resolve(limits.storageDir);
    const stored = await storeTalkVideoUpload(
      {
        talkId,
        body: request.body,
        contentType: request.headers.get('content-type'),
        fileName,
        contentLength: lengthHeader === null ? null : Number(lengthHeader),
      },
      { ...limits, storageDir },
      probe,
    );
    const { video, replacedPath } = await ctx.talkVideos
      .save({
        talkId,
        storagePath: stored.path,
        originalName: stored.originalName,
        contentType: stored.contentType,
        sizeBytes: stored.sizeBytes,
        durationMs: stored.probe.durationMs,
        container: stored.probe.container,
        videoCodec: stored.probe.videoCodec,
        audioCodec: stored.probe.audioCodec,
        width: stored.probe.width,
        height: stored.probe.height,
        uploadedBy: auth.user.id,
      })
      .catch(async (error: unknown) => {
        await rm(stored.path, { force: true });
        throw error;
      });
    if (replacedPath) await rm(replacedPath, { force: true });
    ctx.log.info({ talkId, sizeBytes: stored.sizeBytes, durationMs: video.durationMs }, 'talk video stored');
    return json(201, {
      video: {
        originalName: video.originalName,
        sizeBytes: video.sizeBytes,
        durationMs: video.durationMs,
        container: video.container,
        videoCodec: video.videoCodec,
        audioCodec: video.audioCodec,
        width: video.width,
        height: video.height,
        ...slotFit(video.durationMs, talk.durationSeconds),
      },
    });
  } catch (error: unknown) {
    if (
      (error instanceof AdminError || (error instanceof Error && error.name === 'AdminError')) &&
      (error as AdminError).reason.startsWith('video-')
    ) {
      const rejected = error as AdminError;
      ctx.log.info({ talkId, reason: rejected.reason }, 'talk video rejected');
      return json(
        rejected.reason === 'video-too-large' ? 413 : rejected.reason === 'video-type-not-allowed' ? 415 : 422,
        {
          error: { reason: rejected.reason, message: rejected.message },
        },
      );
    }
    const mapped = toTRPCError(error);
    if (mapped.code === 'INTERNAL_SERVER_ERROR' || (error instanceof DbError && error.reason === 'unknown')) {
      ctx.log.error({ err: error, talkId }, 'talk video upload failed');
    }
    return json(httpStatus[mapped.code] ?? 500, { error: { reason: mapped.code, message: mapped.message } });
  }
}

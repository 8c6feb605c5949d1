'use client';

import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { useCsrfToken } from './admin-api.js';
import { formatDuration } from './zoned-time.js';

export interface VideoInfo {
  originalName: string;
  durationMs: number;
  sizeBytes: number;
  videoCodec: string | null;
  width: number | null;
  height: number | null;
  slotFit: 'fits' | 'shorter' | 'longer';
  slotDeltaSeconds: number;
}

export function VideoSummary({ video, slotSeconds }: { video: VideoInfo; slotSeconds: number }) {
  const fit =
    video.slotFit === 'fits'
      ? 'fits the slot'
      : video.slotFit === 'longer'
        ? `${formatDuration(video.slotDeltaSeconds * 1000)} longer than the ${Math.round(slotSeconds / 60)} min slot`
        : `${formatDuration(-video.slotDeltaSeconds * 1000)} shorter than the ${Math.round(slotSeconds / 60)} min slot`;
  return (
    <span className={`video-summary video-summary--${video.slotFit}`} data-testid="video-summary">
      ▶ {video.originalName} · <strong data-testid="video-duration">{formatDuration(video.durationMs)}</strong>
      {video.width && video.height ? ` · ${video.width}×${video.height}` : ''}
      {video.videoCodec ? ` · ${video.videoCodec}` : ''} · {fit}
    </span>
  );
}

/** Streams the chosen file as the request body (no multipart, no buffering) and shows the probe result or the reason. */
export function VideoUpload({ talkId, title }: { talkId: string; title: string }) {
  const csrf = useCsrfToken();
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });

  async function upload(file: File) {
    setState({ busy: true, error: null });
    try {
      const response = await fetch(`/api/admin/talks/${talkId}/video`, {
        method: 'POST',
        body: file,
        headers: {
          'content-type': file.type || 'application/octet-stream',
          'x-file-name': encodeURIComponent(file.name),
          'x-csrf-token': csrf,
        },
      });
      const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      if (!response.ok) {
        setState({ busy: false, error: body.error?.message ?? `upload failed (HTTP ${response.status})` });
        return;
      }
      setState({ busy: false, error: null });
      router.refresh();
    } catch (error: unknown) {
      setState({ busy: false, error: error instanceof Error ? error.message : String(error) });
    } finally {
      if (input.current) input.current.value = '';
    }
  }

  return (
    <span className="video-upload">
      <label className="button button--small button--ghost">
        {state.busy ? 'Uploading…' : 'Upload video'}
        <input
          ref={input}
          type="file"
          accept="video/mp4,video/webm,video/quicktime,video/x-matroska,.mp4,.webm,.mov,.mkv"
          aria-label={`Video for ${title}`}
          hidden
          disabled={state.busy}
          onChange={(event) => {
            const file = event.currentTarget.files?.[0];
            if (file) void upload(file);
          }}
        />
      </label>
      {state.error ? (
        <span className="form-error" role="alert" data-testid="video-error">
          {state.error}
        </span>
      ) : null}
    </span>
  );
}

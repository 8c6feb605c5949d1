'use client';

import type HlsType from 'hls.js';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { frameWallTimeMs, nativeFrameWallTimeMs, type FragmentTiming } from '../../lib/time-sync/stream-clock.js';
import { choosePlaybackEngine, liveEdgeStatus, offlineRetryDelayMs, type LiveEdgeStatus } from './live-edge.js';
import './player.css';

/** What the rest of the page may ask the player: the wall time of the frame on screen (from PROGRAM-DATE-TIME). */
export interface StreamClockHandle {
  /** Epoch ms of the frame being shown while the video plays; null when paused, stalled, offline or without PDT. */
  frameWallTimeMs(): number | null;
}

export type PlayerStatus = 'loading' | 'playing' | 'stalled' | 'offline' | 'no-stream' | 'unsupported';

export interface HlsPlayerProps {
  /** Playlist URL; null renders the "no public stream" slate. */
  src: string | null;
  title: string;
  /** Filled with a handle while mounted (for the countdown). */
  clockRef?: RefObject<StreamClockHandle | null>;
  /** Minimal chrome for /embed. */
  compact?: boolean;
}

/** A stall longer than this means the stream stopped (playlist no longer updated): start over as if offline. */
const STALL_RESTART_MS = 15_000;

const statusText: Record<PlayerStatus, string> = {
  loading: 'Connecting to the stream…',
  playing: '',
  stalled: 'Buffering…',
  offline: 'The stream is not live right now.',
  'no-stream': 'This room has no public stream.',
  unsupported: 'This browser cannot play HLS video. Use the stream URL in a media player such as VLC or mpv.',
};

export function HlsPlayer({ src, title, clockRef, compact = false }: HlsPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<HlsType | null>(null);
  const [status, setStatus] = useState<PlayerStatus>(src ? 'loading' : 'no-stream');
  const [muted, setMuted] = useState(true);
  const [needsClick, setNeedsClick] = useState(false);
  const [retryInSeconds, setRetryInSeconds] = useState<number | null>(null);
  const [edge, setEdge] = useState<LiveEdgeStatus>({ atLiveEdge: true, behindSeconds: 0, label: 'LIVE' });

  useEffect(() => {
    const video = videoRef.current;
    if (!src || !video) return;
    let disposed = false;
    let attempt = 0;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let countdownTimer: ReturnType<typeof setInterval> | null = null;
    let stallTimer: ReturnType<typeof setTimeout> | null = null;
    let engine: 'hls.js' | 'native' | null = null;
    let fragment: FragmentTiming | null = null;
    let playing = false;

    const clearTimers = () => {
      if (retryTimer) clearTimeout(retryTimer);
      if (countdownTimer) clearInterval(countdownTimer);
      if (stallTimer) clearTimeout(stallTimer);
      retryTimer = countdownTimer = stallTimer = null;
    };

    const teardown = () => {
      hlsRef.current?.destroy();
      hlsRef.current = null;
      fragment = null;
      playing = false;
      if (engine === 'native') {
        video.removeAttribute('src');
        video.load();
      }
    };

    const tryPlay = () => {
      video.play().then(
        () => setNeedsClick(false),
        // Autoplay refused even muted (data saver, policies): show a play button instead of failing silently.
        (error: unknown) => {
          if (!disposed && error instanceof DOMException && error.name === 'NotAllowedError') setNeedsClick(true);
        },
      );
    };

    const goOffline = () => {
      if (disposed || retryTimer) return;
      clearTimers();
      teardown();
      setStatus('offline');
      const delay = offlineRetryDelayMs(attempt++);
      const retryAt = Date.now() + delay;
      setRetryInSeconds(Math.ceil(delay / 1000));
      countdownTimer = setInterval(() => setRetryInSeconds(Math.max(0, Math.ceil((retryAt - Date.now()) / 1000))), 500);
      retryTimer = setTimeout(() => {
        clearTimers();
        setRetryInSeconds(null);
        void start();
      }, delay);
    };

    const start = async () => {
      if (disposed) return;
      setStatus('loading');
      const { default: Hls } = await import('hls.js');
      if (disposed) return;
      const chosen = choosePlaybackEngine({
        hlsJsSupported: Hls.isSupported(),
        nativeHls: video.canPlayType('application/vnd.apple.mpegurl'),
        userAgent: navigator.userAgent,
      });
      if (chosen === 'unsupported') {
        setStatus('unsupported');
        return;
      }
      engine = chosen;
      if (chosen === 'native') {
        video.src = src;
        tryPlay();
        return;
      }
      // Hold back a fixed 2.5 s from the live edge (not N × TARGETDURATION) and catch up at up to 1.1× after a
      // hiccup: glass-to-glass 3.8 s median with 1 s segments vs 5.6 s with liveSyncDurationCount 3
      // (bench/broadcast-latency.ts). 2 s (3.4 s) stalled when one segment reached the origin a second late: the
      // playlist is polled once per segment, so the edge the player knows can be ~2 s stale.
      // No liveMaxLatencyDuration: its jump ahead is a visible skip.
      const hls = new Hls({ liveSyncDuration: 2.5, maxLiveSyncPlaybackRate: 1.1, enableWorker: true });
      hlsRef.current = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, () => tryPlay());
      hls.on(Hls.Events.FRAG_CHANGED, (_event, data) => {
        const { frag } = data;
        fragment =
          frag.programDateTime === null
            ? null
            : { programDateTimeMs: frag.programDateTime, startSec: frag.start, durationSec: frag.duration };
      });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) {
          // Decoder hiccup: hls.js re-creates the SourceBuffers and carries on at the same position.
          hls.recoverMediaError();
          return;
        }
        // Playlist 404/timeouts and other fatal network errors: the stream is not up (yet or any more).
        goOffline();
      });
      hls.loadSource(src);
      hls.attachMedia(video);
    };

    const onPlaying = () => {
      playing = true;
      attempt = 0;
      if (stallTimer) clearTimeout(stallTimer);
      stallTimer = null;
      setStatus('playing');
    };
    const onWaiting = () => {
      playing = false;
      setStatus((current) => (current === 'playing' ? 'stalled' : current));
      if (!stallTimer) stallTimer = setTimeout(goOffline, STALL_RESTART_MS);
    };
    const onPause = () => {
      playing = false;
    };
    const onEnded = () => goOffline();
    const onNativeError = () => {
      if (engine === 'native') goOffline();
    };
    const onTimeUpdate = () => {
      const hls = hlsRef.current;
      if (!hls) return;
      const next = liveEdgeStatus(hls.latency, hls.targetLatency);
      setEdge((current) => (current.label === next.label ? current : next));
    };
    video.addEventListener('playing', onPlaying);
    video.addEventListener('waiting', onWaiting);
    video.addEventListener('pause', onPause);
    video.addEventListener('ended', onEnded);
    video.addEventListener('error', onNativeError);
    video.addEventListener('timeupdate', onTimeUpdate);

    if (clockRef) {
      clockRef.current = {
        frameWallTimeMs() {
          if (!playing || video.paused) return null;
          if (engine === 'native') {
            const startDate = (video as HTMLVideoElement & { getStartDate?: () => Date }).getStartDate?.();
            return nativeFrameWallTimeMs(startDate ? startDate.getTime() : Number.NaN, video.currentTime);
          }
          return frameWallTimeMs(fragment, video.currentTime);
        },
      };
    }
    void start();

    return () => {
      disposed = true;
      clearTimers();
      video.removeEventListener('playing', onPlaying);
      video.removeEventListener('waiting', onWaiting);
      video.removeEventListener('pause', onPause);
      video.removeEventListener('ended', onEnded);
      video.removeEventListener('error', onNativeError);
      video.removeEventListener('timeupdate', onTimeUpdate);
      if (clockRef) clockRef.current = null;
      teardown();
    };
  }, [src, clockRef]);

  const unmute = () => {
    const video = videoRef.current;
    if (!video) return;
    video.muted = false;
    if (video.volume === 0) video.volume = 1;
    setMuted(false);
    if (video.paused) void video.play().catch(() => undefined);
  };

  const goLive = () => {
    const video = videoRef.current;
    const live = hlsRef.current?.liveSyncPosition;
    if (video && typeof live === 'number') video.currentTime = live;
  };

  const showSlate = status !== 'playing' && status !== 'stalled';
  return (
    <div className={compact ? 'player player--compact' : 'player'} data-testid="player" data-status={status}>
      <div className="player__frame">
        <video
          ref={videoRef}
          className="player__video"
          data-testid="video"
          aria-label={title}
          muted={muted}
          autoPlay
          playsInline
          controls
          onVolumeChange={(event) => setMuted(event.currentTarget.muted)}
        />
        {showSlate ? (
          <div className="player__slate" data-testid="player-slate" role="status">
            <p className="player__slate-title">{statusText[status]}</p>
            {status === 'offline' ? (
              <p className="player__slate-note" data-testid="player-retry">
                {retryInSeconds === null ? 'Checking again…' : `Checking again in ${retryInSeconds} s`}
              </p>
            ) : null}
          </div>
        ) : null}
        {needsClick && !showSlate ? (
          <button type="button" className="player__overlay-button" onClick={() => void videoRef.current?.play()}>
            ▶ Play
          </button>
        ) : null}
      </div>
      <div className="player__bar">
        {status === 'playing' || status === 'stalled' ? (
          <span
            className={edge.atLiveEdge ? 'badge badge--live' : 'badge'}
            data-testid="live-indicator"
            data-at-live-edge={edge.atLiveEdge}
          >
            {status === 'stalled' ? 'Buffering' : edge.label}
          </span>
        ) : (
          <span className="badge badge--past" data-testid="live-indicator">
            Offline
          </span>
        )}
        {!edge.atLiveEdge && status === 'playing' ? (
          <button type="button" className="player__button" onClick={goLive}>
            Go live
          </button>
        ) : null}
        {muted ? (
          <button
            type="button"
            className="player__button player__button--primary"
            onClick={unmute}
            data-testid="unmute"
          >
            Unmute
          </button>
        ) : null}
      </div>
    </div>
  );
}

/**
 * Turns closed segments (from the engine's splitmuxsink) into a live HLS rendition: a local directory that any web
 * server can serve and/or an origin that receives HTTP PUT/DELETE. One publisher per rendition; both the sliding live
 * playlist and an optional full-event playlist (for VOD after the event) are maintained.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { HlsPlaylist } from './playlist.js';
import { OriginUploader, type OriginUploaderOptions, type OriginUploaderStats } from './origin-uploader.js';

export interface HlsPublisherOptions {
  /** Directory the segments are written into by the engine; playlists are written here too. */
  directory: string;
  playlistName?: string;
  eventPlaylistName?: string;
  targetDurationSeconds: number;
  windowSize?: number;
  /** Also keep a full-event playlist (EXT-X-PLAYLIST-TYPE:EVENT) with every segment. */
  eventPlaylist?: boolean;
  /** Push to an origin too. */
  origin?: Omit<OriginUploaderOptions, 'logger'>;
  /** Remove local segment files when they leave the live window (not when an event playlist keeps them). */
  deleteLocalSegments?: boolean;
  logger?: OriginUploaderOptions['logger'];
  /**
   * Number this run's segments from a wall-clock instant (the run's start) instead of 0, so that a later run writing
   * the same playlist URL — a job taken over by another machine, a restarted worker — continues with higher media
   * sequence numbers, as one playlist must (RFC 8216 §6.2.1; hls.js only follows a new run whose numbers move
   * forward), without reading the old playlist (which may sit on a dead machine). See `sequenceBase()`. Renditions of
   * one run pass the same instant, so their numbers stay aligned.
   */
  sequenceEpoch?: Date;
  /**
   * EXT-X-DISCONTINUITY-SEQUENCE of this run's first segment (default 0). A later run into the same playlist must pass
   * a higher one (the stage worker passes (attempt − 1) × 1000), so players treat it as new timestamps. Keep it small:
   * hls.js walks an array up to this number on every playlist reload (measured: 1e8 works, 5e8 stalls playback), so it
   * cannot come from the clock the way the media sequence does.
   */
  firstDiscontinuitySequence?: number;
}

/**
 * Media sequence base: the epoch in half target durations. A run adds one number per segment while the base grows by
 * two per target duration, so as long as segments last at least half the target (splitmuxsink cuts at the target) a
 * later run always starts above an earlier run's last segment.
 */
export function sequenceBase(epoch: Date, targetDurationSeconds: number): number {
  const ms = epoch.getTime();
  if (!Number.isFinite(ms) || ms < 0)
    throw new RangeError(`sequenceEpoch must be a valid time after 1970, got ${epoch}`);
  return Math.floor(ms / ((targetDurationSeconds * 1000) / 2));
}

export interface ClosedSegment {
  /** Absolute path of the finished segment file. */
  path: string;
  durationSeconds: number;
  /** Wall-clock time of its first frame (pipeline running time mapped to the system clock). */
  programDateTime: Date;
}

export interface HlsPublisherStats {
  segments: number;
  lastSegmentAt: Date | null;
  discontinuities: number;
  origin: OriginUploaderStats | null;
}

export class HlsPublisher {
  readonly #opts: Required<
    Omit<HlsPublisherOptions, 'origin' | 'logger' | 'sequenceEpoch' | 'firstDiscontinuitySequence'>
  > &
    Pick<HlsPublisherOptions, 'origin'>;
  readonly #live: HlsPlaylist;
  readonly #event: HlsPlaylist | null;
  readonly #origin: OriginUploader | null;
  readonly #timers = new Set<NodeJS.Timeout>();
  #writeChain: Promise<void> = Promise.resolve();
  #closed = false;
  readonly stats: HlsPublisherStats = { segments: 0, lastSegmentAt: null, discontinuities: 0, origin: null };

  constructor(options: HlsPublisherOptions) {
    const windowSize = options.windowSize ?? Math.max(6, Math.ceil(12 / options.targetDurationSeconds));
    this.#opts = {
      directory: options.directory,
      playlistName: options.playlistName ?? 'index.m3u8',
      eventPlaylistName: options.eventPlaylistName ?? 'event.m3u8',
      targetDurationSeconds: options.targetDurationSeconds,
      windowSize,
      eventPlaylist: options.eventPlaylist ?? false,
      deleteLocalSegments: options.deleteLocalSegments ?? !options.eventPlaylist,
      origin: options.origin,
    };
    const common = {
      targetDurationSeconds: options.targetDurationSeconds,
      windowSize,
      ...(options.sequenceEpoch
        ? { firstSequence: sequenceBase(options.sequenceEpoch, options.targetDurationSeconds) }
        : {}),
      ...(options.firstDiscontinuitySequence === undefined
        ? {}
        : { firstDiscontinuitySequence: options.firstDiscontinuitySequence }),
    };
    this.#live = new HlsPlaylist({ kind: 'live', ...common });
    this.#event = this.#opts.eventPlaylist ? new HlsPlaylist({ kind: 'event', ...common }) : null;
    this.#origin = options.origin ? new OriginUploader({ ...options.origin, logger: options.logger }) : null;
    this.stats.origin = this.#origin?.stats ?? null;
  }

  /** Adds a finished segment. `discontinuity` only when the encoder really restarted (never in a healthy job). */
  addSegment(segment: ClosedSegment, discontinuity = false): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const uri = basename(segment.path);
    const entry = {
      uri,
      durationSeconds: segment.durationSeconds,
      programDateTime: segment.programDateTime,
      discontinuity,
    };
    const { evicted } = this.#live.append(entry);
    this.#event?.append(entry);
    this.stats.segments++;
    this.stats.lastSegmentAt = segment.programDateTime;
    if (discontinuity) this.stats.discontinuities++;
    this.#origin?.putSegment(uri, segment.path);
    const work = this.#publishPlaylists();
    // RFC 8216 §6.2.2: a removed segment stays available for its duration plus the playlist's duration.
    const graceMs = (segment.durationSeconds + this.#opts.windowSize * this.#live.targetDuration) * 1000;
    for (const gone of evicted) this.#later(graceMs, () => this.#expire(gone.uri));
    return work;
  }

  /** Writes EXT-X-ENDLIST, waits for uploads (bounded), stops timers. Idempotent. */
  async close(flushTimeoutMs = 10_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#live.end();
    this.#event?.end();
    await this.#publishPlaylists(true);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#origin) {
      await this.#origin.flush(flushTimeoutMs);
      await this.#origin.close();
    }
  }

  get livePlaylist(): string {
    return this.#live.render();
  }

  #publishPlaylists(final = false): Promise<void> {
    const lists: [string, HlsPlaylist][] = [[this.#opts.playlistName, this.#live]];
    if (this.#event) lists.push([this.#opts.eventPlaylistName, this.#event]);
    const rendered = lists.map(([name, list]) => [name, list.render()] as const);
    // Serialise writes so an older playlist can never overwrite a newer one.
    this.#writeChain = this.#writeChain.then(async () => {
      for (const [name, text] of rendered) {
        const target = join(this.#opts.directory, name);
        const tmp = `${target}.tmp`;
        await writeFile(tmp, text);
        await rename(tmp, target); // atomic for readers of the local directory
        if (this.#origin && (!this.#closed || final)) this.#origin.putPlaylist(name, text);
      }
    });
    return this.#writeChain;
  }

  async #expire(uri: string): Promise<void> {
    if (this.#event) return; // the event playlist still references it
    if (this.#opts.deleteLocalSegments) await rm(join(this.#opts.directory, uri), { force: true });
    if (this.#origin && !this.#closed) this.#origin.deleteFile(uri);
  }

  #later(ms: number, fn: () => Promise<void>): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn().catch(() => undefined);
    }, ms);
    timer.unref();
    this.#timers.add(timer);
  }
}

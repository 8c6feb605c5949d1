/**
 * HLS media playlist writer (RFC 8216) with EXT-X-PROGRAM-DATE-TIME on every segment, which GStreamer 1.22's
 * hlssink2 cannot write. Segments come from the engine (splitmuxsink fragment-closed) with their wall-clock start;
 * this class only keeps the window and renders text, so it is pure and cheap to test.
 */

export interface HlsSegment {
  /** Monotonic sequence number assigned by the playlist. */
  sequence: number;
  /** URI as written into the playlist (relative to the playlist). */
  uri: string;
  durationSeconds: number;
  /** Wall-clock (UTC) time of the segment's first frame. */
  programDateTime: Date;
  /** Set only when the stream really restarted (new encoder); a healthy job never writes one. */
  discontinuity: boolean;
}

export interface HlsPlaylistOptions {
  /** Nominal segment duration in seconds (1–2 s for low latency). */
  targetDurationSeconds: number;
  /** Segments kept in a live (sliding) playlist. RFC 8216 §6.2.2 wants ≥ 3 × target duration. */
  windowSize: number;
  /** `event`: keep every segment (VOD-able full-event playlist); `live`: sliding window. */
  kind: 'live' | 'event';
  /** Media sequence number of the first segment (default 0); see HlsPublisherOptions.sequenceEpoch. */
  firstSequence?: number;
  /** EXT-X-DISCONTINUITY-SEQUENCE of the first segment (default 0). */
  firstDiscontinuitySequence?: number;
}

export class HlsPlaylist {
  readonly #options: HlsPlaylistOptions;
  #segments: HlsSegment[] = [];
  #nextSequence = 0;
  #discontinuitySequence = 0;
  #ended = false;
  #maxDuration = 0;

  constructor(options: HlsPlaylistOptions) {
    if (!(options.targetDurationSeconds > 0)) throw new RangeError('targetDurationSeconds must be > 0');
    const advertised = advertisedTarget(options.targetDurationSeconds);
    if (options.kind === 'live' && options.windowSize * options.targetDurationSeconds < 3 * advertised) {
      const need = Math.ceil((3 * advertised) / options.targetDurationSeconds);
      throw new RangeError(
        `a live playlist must hold at least 3 target durations (${3 * advertised} s, RFC 8216 §6.2.2): ` +
          `use a window of at least ${need} segments of ${options.targetDurationSeconds} s`,
      );
    }
    for (const [name, value] of [
      ['firstSequence', options.firstSequence],
      ['firstDiscontinuitySequence', options.firstDiscontinuitySequence],
    ] as const) {
      if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0))
        throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
    }
    this.#options = options;
    this.#nextSequence = options.firstSequence ?? 0;
    this.#discontinuitySequence = options.firstDiscontinuitySequence ?? 0;
  }

  get ended(): boolean {
    return this.#ended;
  }

  get segments(): readonly HlsSegment[] {
    return this.#segments;
  }

  /** Appends a segment; returns the segments that slid out of the window (to be deleted from the origin later). */
  append(segment: Omit<HlsSegment, 'sequence' | 'discontinuity'> & { discontinuity?: boolean }): {
    added: HlsSegment;
    evicted: HlsSegment[];
  } {
    if (this.#ended) throw new Error('playlist already ended');
    if (!(segment.durationSeconds > 0) || !Number.isFinite(segment.durationSeconds)) {
      throw new RangeError(`segment ${segment.uri} has an invalid duration ${segment.durationSeconds}`);
    }
    const added: HlsSegment = {
      ...segment,
      discontinuity: segment.discontinuity ?? false,
      sequence: this.#nextSequence++,
    };
    this.#segments.push(added);
    this.#maxDuration = Math.max(this.#maxDuration, added.durationSeconds);
    const evicted: HlsSegment[] = [];
    if (this.#options.kind === 'live') {
      while (this.#segments.length > this.#options.windowSize) {
        const gone = this.#segments.shift()!;
        // EXT-X-DISCONTINUITY-SEQUENCE counts discontinuities that left the window (RFC 8216 §4.3.3.3).
        if (this.#segments[0]?.discontinuity) this.#discontinuitySequence++;
        evicted.push(gone);
      }
    }
    return { added, evicted };
  }

  /** Marks the end of the stream (EXT-X-ENDLIST): players stop polling. */
  end(): void {
    this.#ended = true;
  }

  /**
   * Target duration: the nominal one plus a second of headroom, so a segment stretched under load (a keyframe that
   * lands one frame late) still rounds within it and the value never changes mid-stream (RFC 8216 §6.2.1). Raised
   * only as a last resort when a segment rounds above even that (§4.3.3.1 wins over stability).
   */
  get targetDuration(): number {
    return Math.max(advertisedTarget(this.#options.targetDurationSeconds), Math.round(this.#maxDuration));
  }

  render(): string {
    const lines = ['#EXTM3U', '#EXT-X-VERSION:3', `#EXT-X-TARGETDURATION:${this.targetDuration}`];
    const first = this.#segments[0];
    lines.push(`#EXT-X-MEDIA-SEQUENCE:${first?.sequence ?? this.#nextSequence}`);
    if (this.#discontinuitySequence > 0) lines.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${this.#discontinuitySequence}`);
    if (this.#options.kind === 'event') lines.push('#EXT-X-PLAYLIST-TYPE:EVENT');
    this.#segments.forEach((segment, index) => {
      if (segment.discontinuity && index > 0) lines.push('#EXT-X-DISCONTINUITY');
      lines.push(`#EXT-X-PROGRAM-DATE-TIME:${segment.programDateTime.toISOString()}`);
      lines.push(`#EXTINF:${segment.durationSeconds.toFixed(3)},`);
      lines.push(segment.uri);
    });
    if (this.#ended) lines.push('#EXT-X-ENDLIST');
    return `${lines.join('\n')}\n`;
  }
}

/** Minimal parser for tests and health checks (reads what render() writes, and common live playlists). */
export interface ParsedPlaylist {
  targetDuration: number;
  mediaSequence: number;
  discontinuitySequence: number;
  discontinuities: number;
  ended: boolean;
  segments: { uri: string; durationSeconds: number; programDateTime: Date | null }[];
}

export function parsePlaylist(text: string): ParsedPlaylist {
  const lines = text.split(/\r?\n/).map((l) => l.trim());
  if (lines[0] !== '#EXTM3U') throw new Error('not an HLS playlist: first line must be #EXTM3U');
  const result: ParsedPlaylist = {
    targetDuration: 0,
    mediaSequence: 0,
    discontinuitySequence: 0,
    discontinuities: 0,
    ended: false,
    segments: [],
  };
  let pendingDuration: number | null = null;
  let pendingPdt: Date | null = null;
  for (const line of lines.slice(1)) {
    if (line.startsWith('#EXT-X-TARGETDURATION:')) result.targetDuration = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) result.mediaSequence = Number(line.split(':')[1]);
    else if (line.startsWith('#EXT-X-DISCONTINUITY-SEQUENCE:'))
      result.discontinuitySequence = Number(line.split(':')[1]);
    else if (line === '#EXT-X-DISCONTINUITY') result.discontinuities++;
    else if (line === '#EXT-X-ENDLIST') result.ended = true;
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:'))
      pendingPdt = new Date(line.slice('#EXT-X-PROGRAM-DATE-TIME:'.length));
    else if (line.startsWith('#EXTINF:')) pendingDuration = Number.parseFloat(line.slice('#EXTINF:'.length));
    else if (line.length > 0 && !line.startsWith('#')) {
      if (pendingDuration === null) throw new Error(`segment ${line} has no #EXTINF`);
      result.segments.push({ uri: line, durationSeconds: pendingDuration, programDateTime: pendingPdt });
      pendingDuration = null;
      pendingPdt = null;
    }
  }
  return result;
}

function advertisedTarget(nominalSeconds: number): number {
  return Math.ceil(nominalSeconds) + 1;
}

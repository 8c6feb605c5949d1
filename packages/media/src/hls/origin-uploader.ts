/**
 * Pushes HLS files to an origin with HTTP PUT and removes expired segments with DELETE — what CDNs' HLS ingest and
 * WebDAV origins (nginx `dav_methods PUT DELETE`) accept. A failing origin never blocks the encoder: uploads queue in
 * memory, retry with exponential backoff and jitter, and the queue stays bounded (segments that already slid out of
 * the playlist window are not worth uploading late; only the newest playlist matters).
 */
import { readFile } from 'node:fs/promises';

export interface OriginUploaderOptions {
  /** Base URL the relative names are resolved against, e.g. http://127.0.0.1:8088/hls/room-1/ (trailing slash added). */
  baseUrl: string;
  /** Extra headers (e.g. Authorization for a CDN ingest); never logged. */
  headers?: Record<string, string>;
  requestTimeoutMs?: number;
  /** Backoff: first retry after this, doubled each time up to maxBackoffMs, ±20 % jitter. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Segments waiting beyond this count are dropped oldest-first (they are outside any playlist by then). */
  maxQueuedSegments?: number;
  /** Injected for tests. */
  fetchImpl?: typeof fetch;
  logger?: { warn(obj: object, msg?: string): void; debug(obj: object, msg?: string): void };
}

export interface OriginUploaderStats {
  uploaded: number;
  deleted: number;
  failures: number;
  retries: number;
  dropped: number;
  queued: number;
  lastUploadLatencyMs: number | null;
  maxUploadLatencyMs: number;
  lastError: string | null;
  healthy: boolean;
}

type Task =
  | { kind: 'put-file'; name: string; path: string; contentType: string; enqueuedAt: number }
  | { kind: 'put-text'; name: string; body: string; contentType: string; enqueuedAt: number }
  | { kind: 'delete'; name: string; enqueuedAt: number };

export class OriginUploadError extends Error {
  override name = 'OriginUploadError';
  constructor(
    readonly reason: 'http-status' | 'network' | 'timeout',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  ts: 'video/mp2t',
  m4s: 'video/iso.segment',
  mp4: 'video/mp4',
};

export function contentTypeFor(name: string): string {
  return CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

export class OriginUploader {
  readonly #base: URL;
  readonly #opts: Required<Omit<OriginUploaderOptions, 'logger' | 'headers' | 'fetchImpl'>>;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #logger: OriginUploaderOptions['logger'];
  // Segments and deletes keep order; the playlist is a single slot so only the newest version is ever sent.
  #queue: Task[] = [];
  #pendingPlaylists = new Map<string, Task>();
  #running = false;
  #closed = false;
  #wake: (() => void) | null = null;
  #loop: Promise<void>;
  #consecutiveFailures = 0;
  #abort = new AbortController();
  readonly stats: OriginUploaderStats = {
    uploaded: 0,
    deleted: 0,
    failures: 0,
    retries: 0,
    dropped: 0,
    queued: 0,
    lastUploadLatencyMs: null,
    maxUploadLatencyMs: 0,
    lastError: null,
    healthy: true,
  };

  constructor(options: OriginUploaderOptions) {
    this.#base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    if (!/^https?:$/.test(this.#base.protocol)) {
      throw new TypeError(
        `origin URL must be http(s), got ${this.#base.protocol} — e.g. http://origin.example/hls/room/`,
      );
    }
    this.#opts = {
      baseUrl: this.#base.toString(),
      requestTimeoutMs: options.requestTimeoutMs ?? 5_000,
      initialBackoffMs: options.initialBackoffMs ?? 250,
      maxBackoffMs: options.maxBackoffMs ?? 4_000,
      maxQueuedSegments: options.maxQueuedSegments ?? 30,
    };
    this.#headers = options.headers ?? {};
    this.#fetch = options.fetchImpl ?? fetch;
    this.#logger = options.logger;
    this.#loop = this.#run();
  }

  /** Queue a segment file for upload (in order, before any playlist that references it). */
  putSegment(name: string, path: string): void {
    this.#ensureOpen();
    this.#queue.push({ kind: 'put-file', name, path, contentType: contentTypeFor(name), enqueuedAt: Date.now() });
    this.#trim();
    this.#kick();
  }

  /** Replace the pending version of a playlist; it is sent after every segment queued before it. */
  putPlaylist(name: string, body: string): void {
    this.#ensureOpen();
    this.#pendingPlaylists.set(name, {
      kind: 'put-text',
      name,
      body,
      contentType: contentTypeFor(name),
      enqueuedAt: Date.now(),
    });
    this.#kick();
  }

  deleteFile(name: string): void {
    this.#ensureOpen();
    this.#queue.push({ kind: 'delete', name, enqueuedAt: Date.now() });
    this.#kick();
  }

  /** Resolves when everything queued so far has been sent (or the uploader was closed). */
  async flush(timeoutMs = 30_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.#queue.length === 0 && this.#pendingPlaylists.size === 0 && !this.#running) return true;
      await new Promise((r) => setTimeout(r, 25));
    }
    return false;
  }

  /** Stops uploading; pending work is abandoned. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return this.#loop;
    this.#closed = true;
    this.#abort.abort();
    this.#kick();
    return this.#loop;
  }

  #ensureOpen(): void {
    if (this.#closed) throw new Error('origin uploader is closed');
  }

  #trim(): void {
    let segments = this.#queue.filter((t) => t.kind === 'put-file').length;
    while (segments > this.#opts.maxQueuedSegments) {
      const index = this.#queue.findIndex((t) => t.kind === 'put-file');
      this.#queue.splice(index, 1);
      segments--;
      this.stats.dropped++;
    }
    this.stats.queued = this.#queue.length + this.#pendingPlaylists.size;
  }

  #kick(): void {
    this.#wake?.();
    this.#wake = null;
  }

  #next(): Task | undefined {
    const task = this.#queue.shift();
    if (task) return task;
    const [name, playlist] = this.#pendingPlaylists.entries().next().value ?? [];
    if (name !== undefined) this.#pendingPlaylists.delete(name);
    return playlist;
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const task = this.#next();
      this.stats.queued = this.#queue.length + this.#pendingPlaylists.size;
      if (!task) {
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      this.#running = true;
      try {
        await this.#perform(task);
      } finally {
        this.#running = false;
      }
    }
  }

  /** Retries one task until it succeeds, the uploader closes, or (for playlists) a newer version supersedes it. */
  async #perform(task: Task): Promise<void> {
    let attempt = 0;
    for (;;) {
      if (this.#closed) return;
      if (task.kind === 'put-text' && this.#pendingPlaylists.has(task.name)) return; // superseded
      const started = Date.now();
      try {
        await this.#send(task);
        const latency = Date.now() - task.enqueuedAt;
        if (task.kind === 'delete') this.stats.deleted++;
        else {
          this.stats.uploaded++;
          this.stats.lastUploadLatencyMs = latency;
          this.stats.maxUploadLatencyMs = Math.max(this.stats.maxUploadLatencyMs, latency);
        }
        this.#consecutiveFailures = 0;
        this.stats.healthy = true;
        return;
      } catch (error: unknown) {
        if (this.#closed) return;
        this.stats.failures++;
        this.#consecutiveFailures++;
        this.stats.healthy = this.#consecutiveFailures < 3;
        this.stats.lastError = error instanceof Error ? error.message : String(error);
        // A missing file to delete is already deleted; a 404 on DELETE is success in practice.
        if (task.kind === 'delete' && error instanceof OriginUploadError && /\b404\b/.test(error.message)) return;
        if (
          task.kind === 'put-file' &&
          error instanceof OriginUploadError &&
          error.reason === 'network' &&
          /ENOENT/.test(error.message)
        ) {
          this.stats.dropped++;
          return; // local segment vanished (rotated away): nothing to retry
        }
        const backoff = Math.min(this.#opts.maxBackoffMs, this.#opts.initialBackoffMs * 2 ** attempt);
        const delay = backoff * (0.8 + Math.random() * 0.4);
        attempt++;
        this.stats.retries++;
        this.#logger?.warn(
          {
            name: task.name,
            attempt,
            delayMs: Math.round(delay),
            err: this.stats.lastError,
            tookMs: Date.now() - started,
          },
          'origin upload failed; retrying',
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.#abort.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
        });
        // While the origin is down, segments that fell out of the bounded queue are dropped; keep only the newest.
        this.#trim();
      }
    }
  }

  async #send(task: Task): Promise<void> {
    const url = new URL(task.name, this.#base);
    let body: Uint8Array<ArrayBuffer> | string | undefined;
    if (task.kind === 'put-file') {
      try {
        // Copied into an ArrayBuffer-backed array: a BodyInit under both the DOM and Node fetch typings.
        body = new Uint8Array(await readFile(task.path));
      } catch (error: unknown) {
        throw new OriginUploadError('network', `cannot read ${task.path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    } else if (task.kind === 'put-text') body = task.body;
    let response: Response;
    try {
      response = await this.#fetch(url, {
        method: task.kind === 'delete' ? 'DELETE' : 'PUT',
        headers: task.kind === 'delete' ? this.#headers : { ...this.#headers, 'content-type': task.contentType },
        body,
        signal: AbortSignal.any([this.#abort.signal, AbortSignal.timeout(this.#opts.requestTimeoutMs)]),
      });
    } catch (error: unknown) {
      const timeout = error instanceof Error && error.name === 'TimeoutError';
      throw new OriginUploadError(
        timeout ? 'timeout' : 'network',
        `${task.kind} ${url.pathname} failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) {
      throw new OriginUploadError(
        'http-status',
        `${task.kind} ${url.pathname} answered ${response.status} ${response.statusText}`,
      );
    }
  }
}

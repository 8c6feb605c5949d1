/** HTTP fetch of a schedule document with a timeout, a size limit and conditional requests (RFC 9110 §13.1). */
import { createHash } from 'node:crypto';

export type ScheduleFetchErrorReason = 'timeout' | 'http-status' | 'too-large' | 'network' | 'aborted';

export class ScheduleFetchError extends Error {
  override name = 'ScheduleFetchError';
  readonly code: string;
  constructor(
    readonly reason: ScheduleFetchErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = `planner:${reason}`;
  }
}

export interface FetchScheduleOptions {
  url: string;
  etag?: string | null;
  lastModified?: string | null;
  timeoutMs?: number;
  maxBytes?: number;
  signal?: AbortSignal;
}

export type FetchScheduleResult =
  | { notModified: true; etag: string | null; lastModified: string | null }
  | { notModified: false; body: Buffer; sha256: string; etag: string | null; lastModified: string | null };

/** Query values that may carry secrets (`?token=`, `?key=`) are masked for logs and error messages. */
export function redactScheduleUrl(url: string): string {
  return url.replace(/([?&](?:token|key|secret|pwd|password|auth)=)[^&#]*/gi, '$1***');
}

export async function fetchSchedule(options: FetchScheduleOptions): Promise<FetchScheduleResult> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const shown = redactScheduleUrl(options.url);
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/xml, application/json, text/xml;q=0.9, */*;q=0.5' };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  const fail = (error: unknown): never => {
    if (timeout.aborted)
      throw new ScheduleFetchError(
        'timeout',
        `schedule ${shown} did not answer within ${timeoutMs} ms; check the URL or raise PLANNER_FETCH_TIMEOUT_MS`,
        { cause: error },
      );
    if (options.signal?.aborted) throw new ScheduleFetchError('aborted', `fetch of ${shown} aborted`, { cause: error });
    if (error instanceof ScheduleFetchError) throw error;
    throw new ScheduleFetchError(
      'network',
      `could not fetch schedule ${shown}: ${error instanceof Error ? (((error.cause as Error | undefined)?.message ?? error.message) as string) : String(error)}`,
      { cause: error },
    );
  };
  let response: Response;
  try {
    response = await fetch(options.url, { headers, signal, redirect: 'follow' });
  } catch (error: unknown) {
    return fail(error);
  }
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  if (response.status === 304) {
    await response.body?.cancel();
    return {
      notModified: true,
      etag: etag ?? options.etag ?? null,
      lastModified: lastModified ?? options.lastModified ?? null,
    };
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new ScheduleFetchError(
      'http-status',
      `schedule ${shown} answered HTTP ${response.status} ${response.statusText}; check the URL and that the schedule is published`,
    );
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new ScheduleFetchError(
      'too-large',
      `schedule ${shown} is ${declared} bytes, over the ${maxBytes}-byte limit (PLANNER_MAX_SCHEDULE_BYTES)`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += (chunk as Uint8Array).byteLength;
      if (total > maxBytes) {
        throw new ScheduleFetchError(
          'too-large',
          `schedule ${shown} exceeds the ${maxBytes}-byte limit (PLANNER_MAX_SCHEDULE_BYTES)`,
        );
      }
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
  } catch (error: unknown) {
    return fail(error);
  }
  const body = Buffer.concat(chunks);
  return { notModified: false, body, sha256: createHash('sha256').update(body).digest('hex'), etag, lastModified };
}

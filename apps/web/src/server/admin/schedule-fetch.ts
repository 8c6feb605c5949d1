import { AdminError } from './errors.js';

export interface FetchScheduleOptions {
  timeoutMs?: number;
  maxBytes?: number;
  fetch?: typeof fetch;
}

/** Downloads a schedule document (http/https only, bounded in time and size); errors say what to check. */
export async function fetchScheduleDocument(url: string, options: FetchScheduleOptions = {}): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AdminError('schedule-fetch-failed', `'${url}' is not a URL; paste the full schedule.xml/json address`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AdminError('schedule-fetch-failed', 'only http:// and https:// schedule URLs can be imported');
  }
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  const where = `${parsed.origin}${parsed.pathname}`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(parsed, {
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
      headers: { accept: 'application/xml, application/json, text/xml, */*' },
    });
  } catch (error: unknown) {
    throw new AdminError(
      'schedule-fetch-failed',
      `could not download ${where} (${error instanceof Error ? error.message : String(error)}); check the URL and that the server is reachable`,
      { cause: error },
    );
  }
  if (!response.ok) {
    throw new AdminError('schedule-fetch-failed', `${where} answered HTTP ${response.status}; check the URL`);
  }
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    throw new AdminError(
      'schedule-fetch-failed',
      `${where} is larger than ${maxBytes} bytes; is it really a schedule?`,
    );
  }
  const text = await response.text();
  if (text.length > maxBytes) {
    throw new AdminError(
      'schedule-fetch-failed',
      `${where} is larger than ${maxBytes} bytes; is it really a schedule?`,
    );
  }
  return text;
}

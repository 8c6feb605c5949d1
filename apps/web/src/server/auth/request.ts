/**
 * What auth needs from an HTTP request, independent of the framework (route handlers, the tRPC fetch adapter and
 * server components all build one).
 */
export interface RequestInfo {
  method: string;
  /** Absolute request URL as the server saw it. */
  url: string;
  headers: Headers;
}

export interface RequestFacts {
  /** https (directly, via PUBLIC_BASE_URL, or as reported by a proxy in X-Forwarded-Proto). */
  secure: boolean;
  /** Origins a state-changing request may come from (the site's own). */
  allowedOrigins: string[];
  /** Client address for rate limiting: first X-Forwarded-For hop (set by the reverse proxy), else 'unknown'. */
  ip: string;
  userAgent: string | null;
}

export function requestFacts(request: RequestInfo, publicBaseUrl?: string): RequestFacts {
  const url = new URL(request.url);
  const forwardedProto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  const proto = forwardedProto === 'https' || forwardedProto === 'http' ? forwardedProto : url.protocol.slice(0, -1);
  const host =
    request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() || request.headers.get('host') || url.host;
  const allowedOrigins = new Set([`${proto}://${host}`]);
  let secure = proto === 'https';
  if (publicBaseUrl) {
    const base = new URL(publicBaseUrl);
    allowedOrigins.add(base.origin);
    secure ||= base.protocol === 'https:';
  }
  const ip =
    request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() ||
    request.headers.get('x-real-ip')?.trim() ||
    'unknown';
  return { secure, allowedOrigins: [...allowedOrigins], ip, userAgent: request.headers.get('user-agent') };
}

/**
 * Same-origin check for state-changing requests (OWASP CSRF cheat sheet: verify Origin, fall back to Referer).
 * Returns the problem, or null when the request comes from one of `allowedOrigins`.
 */
export function sameOriginProblem(headers: Headers, allowedOrigins: readonly string[]): string | null {
  if (headers.get('sec-fetch-site') === 'cross-site') return 'the browser marked it cross-site';
  const origin = headers.get('origin');
  if (origin !== null) {
    return allowedOrigins.includes(origin) ? null : `Origin ${origin} is not this site`;
  }
  const referer = headers.get('referer');
  if (referer !== null) {
    try {
      const refererOrigin = new URL(referer).origin;
      return allowedOrigins.includes(refererOrigin) ? null : `Referer origin ${refererOrigin} is not this site`;
    } catch {
      return 'the Referer header is not a URL';
    }
  }
  return 'it carries neither an Origin nor a Referer header';
}

export const csrfHeaderName = 'x-csrf-token';

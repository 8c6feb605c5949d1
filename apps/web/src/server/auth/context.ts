import type { AuthService, AuthState } from './auth-service.js';
import { readSessionCookie } from './cookies.js';
import { csrfHeaderName, requestFacts, type RequestFacts, type RequestInfo } from './request.js';

/** The caller-identity part of the tRPC context. */
export interface AuthContext {
  authService: AuthService;
  request: RequestFacts & {
    headers: Headers;
    /** The x-csrf-token header, compared with the session's token on mutations. */
    csrfHeader: string | null;
    sessionToken: string | null;
  };
  /** Resolved once per request, on first use (public procedures never touch the sessions table). */
  getAuth(): Promise<AuthState>;
  /** Appends a Set-Cookie header to the response; server components cannot set cookies and pass a no-op. */
  setCookie(value: string): void;
}

function bearerFrom(headers: Headers): string | null {
  const header = headers.get('authorization');
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  // A malformed Authorization header is treated as a (bad) token so it is refused, not silently ignored.
  return match?.[1] ?? header;
}

export function createAuthContext(
  request: RequestInfo,
  authService: AuthService,
  options: { publicBaseUrl?: string | undefined; setCookie?: (value: string) => void },
): AuthContext {
  const facts = requestFacts(request, options.publicBaseUrl);
  const sessionToken = readSessionCookie(request.headers.get('cookie'));
  let resolved: Promise<AuthState> | undefined;
  return {
    authService,
    request: { ...facts, headers: request.headers, csrfHeader: request.headers.get(csrfHeaderName), sessionToken },
    getAuth() {
      resolved ??= authService.authenticate({ sessionToken, bearer: bearerFrom(request.headers) });
      return resolved;
    },
    setCookie: options.setCookie ?? (() => {}),
  };
}

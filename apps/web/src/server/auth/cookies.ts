/**
 * The session cookie. `__Host-` prefixed when served over https (browsers then insist on Secure, Path=/ and no
 * Domain, so a sibling subdomain cannot plant or read it); plain name over http (local development and tests).
 */
export const sessionCookieNames = { secure: '__Host-stagecast_session', insecure: 'stagecast_session' } as const;

export function sessionCookieName(secure: boolean): string {
  return secure ? sessionCookieNames.secure : sessionCookieNames.insecure;
}

export function serializeSessionCookie(value: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  const parts = [
    `${sessionCookieName(options.secure)}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearSessionCookie(secure: boolean): string {
  return serializeSessionCookie('', { secure, maxAgeSeconds: 0 });
}

/** Reads the session cookie (either name) from a Cookie header. */
export function readSessionCookie(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    const name = part.slice(0, index).trim();
    if (name === sessionCookieNames.secure || name === sessionCookieNames.insecure) {
      const value = part.slice(index + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}

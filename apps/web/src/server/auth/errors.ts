/** Why a request was refused by authentication or authorization; mapped to tRPC/HTTP codes in server/api/errors.ts. */
export type AuthErrorReason =
  'invalid-credentials' | 'rate-limited' | 'unauthenticated' | 'session-expired' | 'forbidden' | 'csrf-rejected';

export class AuthError extends Error {
  override name = 'AuthError';
  readonly code: string;
  constructor(
    readonly reason: AuthErrorReason,
    message: string,
  ) {
    super(message);
    this.code = `auth:${reason}`;
  }

  static invalidCredentials(): AuthError {
    // Same text for unknown e-mail, wrong password and disabled account: no account enumeration.
    return new AuthError('invalid-credentials', 'e-mail or password is wrong; check both and try again');
  }

  static rateLimited(retryAfterMinutes: number): AuthError {
    return new AuthError(
      'rate-limited',
      `too many failed sign-in attempts; wait ${retryAfterMinutes} minutes before trying again`,
    );
  }

  static unauthenticated(): AuthError {
    return new AuthError('unauthenticated', 'sign in first (or send an API token as "Authorization: Bearer <token>")');
  }

  static forbidden(what: string): AuthError {
    return new AuthError('forbidden', `you are not allowed to ${what}; ask an admin for access`);
  }

  static csrf(problem: string): AuthError {
    return new AuthError(
      'csrf-rejected',
      `request refused (cross-site request protection): ${problem}; reload the page`,
    );
  }
}

/** Errors the CLI reports to a person: a message that names the problem and the fix, and a distinct exit code. */

export type CliErrorReason = 'usage' | 'invalid-option' | 'connect-failed' | 'media-failed' | 'interrupted' | 'internal';

const EXIT_CODES: Record<CliErrorReason, number> = {
  usage: 64, // EX_USAGE (sysexits.h)
  'invalid-option': 64,
  'connect-failed': 69, // EX_UNAVAILABLE
  'media-failed': 70, // EX_SOFTWARE
  interrupted: 130,
  internal: 70,
};

export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly reason: CliErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get exitCode(): number {
    return EXIT_CODES[this.reason];
  }
}

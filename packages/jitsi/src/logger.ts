/** pino-compatible logger injected by the composition root; packages never configure logging themselves. */
export interface Logger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

const SECRET_QUERY = /([?&](?:token|pwd|password|jwt)=)[^&#\s"']+/gi;

/** Redacts `?token=`/`?pwd=` values from URLs and free text before logging. */
export function redact(text: string): string {
  return text.replace(SECRET_QUERY, '$1[redacted]');
}

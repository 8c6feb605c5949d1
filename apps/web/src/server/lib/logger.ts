import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths pino blanks out before writing a line. Covers the shapes our code logs (connection strings, tokens, stream
 * keys, auth headers); free-text values go through `redactSecrets` as well.
 */
export const redactPaths = [
  'password',
  'token',
  'secret',
  'streamKey',
  'connectionString',
  'databaseUrl',
  'DATABASE_URL',
  '*.password',
  '*.token',
  '*.secret',
  '*.streamKey',
  '*.connectionString',
  '*.databaseUrl',
  '*.DATABASE_URL',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'headers.cookie',
];

/** Masks credentials inside URLs (`user:pass@`) and `?token=` / `?pwd=` / `?password=` / `?key=` query values. */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, '$1[redacted]@')
    .replace(/([?&](?:token|pwd|password|key|jwt|secret)=)[^&#\s]+/gi, '$1[redacted]');
}

export interface CreateLoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to inspect output. */
  destination?: pino.DestinationStream;
}

export function createLogger(options: CreateLoggerOptions = {}): Logger {
  return pino(
    {
      name: options.name ?? 'stagecast-web',
      level: options.level ?? 'info',
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        err: (err: unknown) => {
          const serialized = pino.stdSerializers.err(err as Error);
          return {
            ...serialized,
            message: redactSecrets(serialized.message),
            stack: redactSecrets(serialized.stack ?? ''),
          };
        },
      },
      hooks: {
        // Free-text messages may quote URLs with credentials (e.g. a driver error echoing the connection string).
        logMethod(args, method) {
          method.apply(
            this,
            args.map((arg: unknown) => (typeof arg === 'string' ? redactSecrets(arg) : arg)) as Parameters<
              typeof method
            >,
          );
        },
      },
    },
    options.destination,
  );
}

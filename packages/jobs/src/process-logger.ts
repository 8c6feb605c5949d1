import pino from 'pino';
import type { Logger } from './logger.js';

export interface ProcessLoggerOptions {
  level: string;
  name: string;
  /** Where JSON lines go; default stdout, written synchronously (see below). Tests pass a stream. */
  destination?: pino.DestinationStream;
}

/** `?token=…`-style query values in free text. */
const querySecret = /([?&](?:token|key|secret|pwd|password)=)[^&\s"]*/gi;

/**
 * The logger of a worker process: JSON lines on stdout with secrets redacted (stream keys, tokens, passwords,
 * `?token=` query values).
 *
 * Synchronous writes on purpose. pino's default stdout stream writes on libuv's thread pool and its `flush(cb)` calls
 * back at once, so a process that logs and then re-raises a signal on itself (installShutdown) lost that last line
 * whenever the pool was busy — under load 10 of 40 forced shutdowns printed nothing (CI lost "second signal: forcing
 * shutdown"). Worker logs are a few lines a second; a blocking write costs nothing and nothing is lost on exit.
 */
export function createProcessLogger(options: ProcessLoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level,
      redact: {
        paths: ['*.password', '*.token', '*.jwt', '*.streamKey', '*.roomPassword', 'err.config'],
        censor: '***',
      },
      hooks: {
        logMethod(args, method) {
          const scrub = (v: unknown) => (typeof v === 'string' ? v.replace(querySecret, '$1***') : v);
          method.apply(this, args.map(scrub) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: true }),
  ) as unknown as Logger;
}

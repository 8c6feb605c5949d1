/**
 * The Logger shape over one write function, for engine-side modules that log as lines (stdout is forwarded to the
 * client's pino logger; the standalone renderers print JSON lines). debug is dropped: it would flood the channel.
 */
import type { Logger } from '../events.js';

export type LogLevel = 'info' | 'warn' | 'error';

export function lineLogger(write: (level: LogLevel, msg: string, fields: object) => void): Logger {
  const line =
    (level: LogLevel) =>
    (a: unknown, b?: string): void =>
      write(level, typeof a === 'string' ? a : (b ?? ''), typeof a === 'object' && a !== null ? a : {});
  const log: Logger = {
    debug: () => {},
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    child: () => log,
  };
  return log;
}

/** `[<prefix>] <module> <level>: <msg> <fields as JSON>` on stdout, like the rest of the engine. */
export function consoleLineLogger(prefix: string, module: string): Logger {
  return lineLogger((level, msg, fields) =>
    console.log(`[${prefix}] ${module} ${level}: ${msg} ${JSON.stringify(fields)}`),
  );
}

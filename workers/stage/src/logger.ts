import pino from 'pino';
import type { Logger } from '@stagecast/jobs';

/** JSON logs on stdout with secrets redacted (stream keys, tokens, passwords, `?token=` query values). */
export function createLogger(options: { level: string; name: string }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    redact: {
      paths: ['*.password', '*.token', '*.jwt', '*.streamKey', '*.roomPassword', 'err.config'],
      censor: '***',
    },
    hooks: {
      logMethod(args, method) {
        const scrub = (v: unknown) =>
          typeof v === 'string' ? v.replace(/([?&](?:token|key|secret|pwd|password)=)[^&\s"]*/gi, '$1***') : v;
        method.apply(this, args.map(scrub) as Parameters<typeof method>);
      },
    },
  }) as unknown as Logger;
}

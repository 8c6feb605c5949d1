/**
 * Child process for shutdown.integration.test.ts: a worker-like process (process logger + installShutdown with a stop
 * that never finishes) that keeps libuv's thread pool busy — as a loaded machine does — and is then signalled twice.
 * argv[2] = 'process' (createProcessLogger) or 'pino-default' (pino's default async stdout, the old behaviour).
 */
import { pbkdf2 } from 'node:crypto';
import pino from 'pino';
import { installShutdown } from '../shutdown.js';
import { createProcessLogger } from '../process-logger.js';
import type { Logger } from '../logger.js';

const logger: Logger =
  process.argv[2] === 'pino-default'
    ? (pino({ name: 'probe' }) as unknown as Logger)
    : createProcessLogger({ level: 'info', name: 'probe' });
installShutdown({ logger, stop: () => new Promise(() => {}) });
logger.info('ready');
setInterval(() => {}, 1_000);
setTimeout(() => {
  // Four slow hashes occupy the default pool of four threads for a few hundred milliseconds.
  for (let i = 0; i < 4; i += 1) pbkdf2('x', 'y', 400_000, 32, 'sha512', () => {});
  process.kill(process.pid, 'SIGINT');
  setTimeout(() => process.kill(process.pid, 'SIGINT'), 20);
}, 50);

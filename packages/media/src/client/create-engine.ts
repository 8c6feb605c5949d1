/**
 * Async factory for an engine process (mediasoup-style supervision, docs/media-engine.md §6): spawn
 * `process.execPath <engine-main.cjs>` with fd 3/4 pipes, resolve on `ready`, reject on early exit or start timeout.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EngineStartError } from '../errors.js';
import { silentLogger, type Logger } from '../events.js';
import { PROTOCOL_VERSION, parseEngineLine, type EngineEventData } from '../protocol/messages.js';
import { EngineClient, type EngineClientTimings, type MediaDefaults } from './engine-client.js';

export interface CreateEngineOptions {
  logger?: Logger;
  /** Engine entry (CommonJS). Default: the built-in engine (dist/engine/engine-main.cjs, or the .cts source in dev). */
  entry?: string;
  /** Extra arguments for the entry (the fake engine of the tests takes its mode here). */
  args?: string[];
  /** Environment for the child (default: inherited). Use e.g. `{ ...env, GST_DEBUG: '3' }` from the composition root. */
  env?: Record<string, string | undefined>;
  startTimeoutMs?: number;
  timings?: Partial<EngineClientTimings>;
  /** Send/receive specs used by the MediaPort openSession(). */
  media?: MediaDefaults;
}

const defaultTimings: EngineClientTimings = {
  requestTimeoutMs: 20_000,
  heartbeatTimeoutMs: 3_000,
  killGraceMs: 2_000,
  shutdownEosTimeoutMs: 3_000,
};

/**
 * Where the engine entry lives. From dist/ (compiled): ../engine/engine-main.cjs. From src/ (tests, tsx): the .cts
 * source, loaded through tsx's CommonJS hook — never through an ESM loader, under which GLib's main loop hangs (§4.1).
 */
export function defaultEngineEntry(): string {
  const here = fileURLToPath(import.meta.url);
  const built = fileURLToPath(new URL('../engine/engine-main.cjs', import.meta.url));
  if (!here.endsWith('.ts') && existsSync(built)) return built;
  return fileURLToPath(new URL('../engine/engine-main.cts', import.meta.url));
}

/** node arguments that run a CommonJS entry; TypeScript sources go through `--require tsx/cjs` + `-e require()`. */
export function nodeArgsFor(entry: string, args: string[] = []): string[] {
  if (/\.c?ts$/.test(entry)) {
    const req = createRequire(import.meta.url);
    const tsxCjs = req.resolve('tsx/cjs');
    // `-e` keeps the entry CommonJS even though this package is "type": "module".
    return ['--require', tsxCjs, '-e', `require(${JSON.stringify(entry)})`, '--', ...args];
  }
  return [entry, ...args];
}

export async function createEngine(opts: CreateEngineOptions = {}): Promise<EngineClient> {
  const logger = (opts.logger ?? silentLogger).child({ module: 'media-engine' });
  const entry = opts.entry ?? defaultEngineEntry();
  const startTimeoutMs = opts.startTimeoutMs ?? 30_000;
  const child = spawn(process.execPath, nodeArgsFor(entry, opts.args), {
    stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    ...(opts.env ? { env: opts.env } : {}),
  });
  const client = new EngineClient(child, logger, { ...defaultTimings, ...opts.timings });
  if (opts.media) client.setMediaDefaults(opts.media);

  await new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.off('ready', onReady);
      child.off('exit', onExit);
      child.off('error', onError);
      if (err) reject(err);
      else resolve();
    };
    const onReady = (d: EngineEventData<'ready'>) => {
      if (d.protocolVersion !== PROTOCOL_VERSION) {
        child.kill('SIGKILL');
        finish(
          new EngineStartError(
            'protocol-mismatch',
            `engine speaks protocol ${d.protocolVersion}, client ${PROTOCOL_VERSION}: rebuild @stagecast/media`,
          ),
        );
      } else {
        logger.info({ pid: d.pid, gst: d.gstVersion }, 'engine ready');
        finish();
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(
        new EngineStartError(
          'exited-early',
          `engine exited before ready (code=${code}, signal=${signal}); check GStreamer/node-gtk installation. ` +
            `stderr: ${client.stderrTail.slice(-1500) || '(empty)'}`,
        ),
      );
    const onError = (err: Error) =>
      finish(new EngineStartError('spawn-failed', `cannot spawn ${process.execPath}: ${err.message}`, { cause: err }));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(
        new EngineStartError(
          'timeout',
          `engine not ready within ${startTimeoutMs} ms (is the entry CommonJS? stderr: ${client.stderrTail.slice(-500)})`,
        ),
      );
    }, startTimeoutMs);
    client.on('ready', onReady);
    child.once('exit', onExit);
    child.once('error', onError);
  });
  return client;
}

export { parseEngineLine };

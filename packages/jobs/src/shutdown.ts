/**
 * Two-stage signal handling (graphile-worker style): the first SIGTERM/SIGINT starts a graceful stop (stop taking
 * jobs, abort handlers, wait); a second one forces. At the end the signal is re-raised with the default disposition,
 * so the process exits "killed by SIGTERM" (exit status 143) as systemd and shells expect.
 */
import type { Logger } from './logger.js';

export interface ShutdownOptions {
  logger: Logger;
  /** Graceful stop; `force` is aborted on the second signal (stop waiting, close what is left). */
  stop: (context: { signal: NodeJS.Signals; force: AbortSignal }) => Promise<void>;
  signals?: NodeJS.Signals[];
  /** Injected for tests; default process. */
  target?: Pick<NodeJS.Process, 'on' | 'off' | 'kill' | 'pid' | 'exit'>;
  /** Longest wait for the logger's flush before the signal is re-raised; default 300 ms. */
  flushTimeoutMs?: number;
}

export function installShutdown(options: ShutdownOptions): { dispose(): void } {
  const target = options.target ?? process;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const force = new AbortController();
  let first: NodeJS.Signals | undefined;
  const reraise = (signal: NodeJS.Signals) => {
    for (const s of signals) target.off(s, onSignal);
    // A logger writing asynchronously loses what is in flight when we kill ourselves; flush first, but never wait
    // more than a moment. (pino's async stdout calls back before its write lands — workers use the synchronous
    // createProcessLogger, which is what actually keeps "second signal: forcing shutdown" in the output.)
    const flush = options.logger.flush?.bind(options.logger);
    if (!flush) {
      target.kill(target.pid, signal);
      return;
    }
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      clearTimeout(cap);
      target.kill(target.pid, signal);
    };
    const cap = setTimeout(kill, options.flushTimeoutMs ?? 300);
    try {
      flush(() => kill());
    } catch {
      kill();
    }
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (first) {
      options.logger.warn({ signal }, 'second signal: forcing shutdown');
      force.abort(new Error(`forced by second ${signal}`));
      reraise(signal);
      return;
    }
    first = signal;
    options.logger.info({ signal }, 'signal received: draining (send it again to force)');
    options
      .stop({ signal, force: force.signal })
      .catch((error: unknown) => {
        options.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'graceful stop failed');
      })
      .finally(() => {
        options.logger.info({ signal }, 'stopped; exiting');
        if (!force.signal.aborted) reraise(signal);
      });
  }
  for (const s of signals) target.on(s, onSignal);
  return {
    dispose() {
      for (const s of signals) target.off(s, onSignal);
    },
  };
}

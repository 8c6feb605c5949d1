import { EventEmitter } from 'node:events';
import { silentLogger } from './logger.js';
import { describe, expect, it } from 'vitest';
import { installShutdown } from './shutdown.js';

function fakeProcess() {
  const emitter = new EventEmitter();
  const kills: string[] = [];
  return {
    kills,
    emit: (s: NodeJS.Signals) => emitter.emit(s, s),
    target: {
      pid: 4242,
      on: (s: string, f: (...a: unknown[]) => void) => emitter.on(s, f),
      off: (s: string, f: (...a: unknown[]) => void) => emitter.off(s, f),
      kill: (_pid: number, s?: string | number) => {
        kills.push(String(s));
        return true;
      },
      exit: () => undefined as never,
    } as unknown as Pick<NodeJS.Process, 'on' | 'off' | 'kill' | 'pid' | 'exit'>,
    listeners: () => emitter.listenerCount('SIGTERM') + emitter.listenerCount('SIGINT'),
  };
}

describe('installShutdown', () => {
  it('first signal drains, then re-raises the same signal with default handling', async () => {
    const p = fakeProcess();
    let release!: () => void;
    const stopped = new Promise<void>((r) => (release = r));
    let calls = 0;
    installShutdown({ logger: silentLogger, target: p.target, stop: async () => ((calls += 1), stopped) });
    p.emit('SIGTERM');
    expect(calls).toBe(1);
    expect(p.kills).toEqual([]);
    release();
    await new Promise((r) => setTimeout(r, 0));
    expect(p.kills).toEqual(['SIGTERM']);
    expect(p.listeners()).toBe(0);
  });

  it('second signal forces: aborts the force signal and re-raises at once', async () => {
    const p = fakeProcess();
    let force: AbortSignal | undefined;
    installShutdown({
      logger: silentLogger,
      target: p.target,
      stop: ({ force: f }) => {
        force = f;
        return new Promise(() => {}); // never finishes on its own
      },
    });
    p.emit('SIGINT');
    expect(force?.aborted).toBe(false);
    p.emit('SIGINT');
    expect(force?.aborted).toBe(true);
    expect(p.kills).toEqual(['SIGINT']);
    expect(p.listeners()).toBe(0);
  });

  it('flushes the logger before re-raising, and does not wait for a flush that never ends', async () => {
    const p = fakeProcess();
    const lines: string[] = [];
    let flushed: (() => void) | undefined;
    const logger = {
      ...silentLogger,
      warn: (_o: object | string, msg?: string) => void lines.push(msg ?? ''),
      flush: (cb?: () => void) => void (flushed = cb),
    };
    installShutdown({ logger, target: p.target, stop: () => new Promise(() => {}), flushTimeoutMs: 200 });
    p.emit('SIGINT');
    p.emit('SIGINT');
    expect(lines).toEqual(['second signal: forcing shutdown']);
    expect(p.kills).toEqual([]); // waiting for the flush
    flushed?.();
    expect(p.kills).toEqual(['SIGINT']);

    const q = fakeProcess();
    installShutdown({
      logger: { ...silentLogger, flush: () => {} },
      target: q.target,
      stop: () => new Promise(() => {}),
      flushTimeoutMs: 50,
    });
    q.emit('SIGTERM');
    q.emit('SIGTERM');
    expect(q.kills).toEqual([]);
    await new Promise((r) => setTimeout(r, 120));
    expect(q.kills).toEqual(['SIGTERM']);
  });
});

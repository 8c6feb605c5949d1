/**
 * Typed event emitter with a `safeEmit` that isolates listener exceptions (mediasoup's EnhancedEventEmitter idea):
 * a buggy listener never breaks the state machine that emits.
 */
import type { Logger } from './logger.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventMap = Record<string, any[]>;
type Listener<A extends unknown[]> = (...args: A) => void;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyListener = (...args: any[]) => void;

export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<AnyListener>>();
  #logger: Logger | undefined;

  constructor(logger?: Logger) {
    this.#logger = logger;
  }

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => this.off(event, listener);
  }

  once<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    const off = this.on(event, ((...args: E[K]) => {
      off();
      listener(...args);
    }) as Listener<E[K]>);
    return off;
  }

  off<K extends keyof E>(event: K, listener: Listener<E[K]>): void {
    this.#listeners.get(event)?.delete(listener as AnyListener);
  }

  listenerCount(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  protected safeEmit<K extends keyof E>(event: K, ...args: E[K]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(...args);
      } catch (err) {
        this.#logger?.error({ err, event: String(event) }, 'event listener threw');
      }
    }
  }
}

/** Resolves on the first `event` whose args satisfy `predicate`; rejects on timeout or abort. Always unsubscribes. */
export function waitForEvent<E extends EventMap, K extends keyof E>(
  emitter: TypedEmitter<E>,
  event: K,
  options: { timeoutMs: number; predicate?: (...args: E[K]) => boolean; signal?: AbortSignal; onTimeout?: () => Error },
): Promise<E[K]> {
  return new Promise<E[K]>((resolve, reject) => {
    const cleanup = (): void => {
      off();
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const off = emitter.on(event, ((...args: E[K]) => {
      if (options.predicate && !options.predicate(...args)) return;
      cleanup();
      resolve(args);
    }) as Listener<E[K]>);
    const timer = setTimeout(() => {
      cleanup();
      reject(options.onTimeout?.() ?? new Error(`timed out after ${options.timeoutMs} ms waiting for ${String(event)}`));
    }, options.timeoutMs);
    const onAbort = (): void => {
      cleanup();
      reject(options.signal?.reason ?? new Error('aborted'));
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Abortable delay. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

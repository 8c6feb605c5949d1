/** Typed event map as data with a `safeEmit` that isolates listener exceptions (mediasoup's idea). */
import type { Logger } from '@stagecast/jitsi';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventMap = Record<string, any[]>;
type Listener<A extends unknown[]> = (...args: A) => void;

export class TypedEmitter<E extends EventMap> {
  readonly #listeners = new Map<keyof E, Set<Listener<never[]>>>();
  constructor(private readonly logger?: Logger) {}

  on<K extends keyof E>(event: K, listener: Listener<E[K]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as unknown as Listener<never[]>);
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
    this.#listeners.get(event)?.delete(listener as unknown as Listener<never[]>);
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  protected safeEmit<K extends keyof E>(event: K, ...args: E[K]): void {
    for (const l of [...(this.#listeners.get(event) ?? [])]) {
      try {
        (l as unknown as Listener<E[K]>)(...args);
      } catch (err) {
        this.logger?.error({ err, event: String(event) }, 'event listener threw');
      }
    }
  }
}

/** Resolves with the first `event` whose args satisfy `predicate`; rejects after `timeoutMs`. Always unsubscribes. */
export function waitForEvent<E extends EventMap, K extends keyof E>(
  emitter: TypedEmitter<E>,
  event: K,
  timeoutMs: number,
  predicate: (...args: E[K]) => boolean = () => true,
): Promise<E[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${String(event)}`));
    }, timeoutMs);
    const off = emitter.on(event, ((...args: E[K]) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      off();
      resolve(args);
    }) as Listener<E[K]>);
  });
}

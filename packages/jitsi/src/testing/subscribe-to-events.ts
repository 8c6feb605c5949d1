/** Event recorder for tests: `waitFor(event, predicate, timeout)` instead of sleeps; everything recorded in order. */
import { waitForEvent, type EventMap, type TypedEmitter } from '../events.js';

export interface EventSubscription<E extends EventMap> {
  readonly events: { name: keyof E; args: unknown[] }[];
  waitFor<K extends keyof E>(name: K, options?: { predicate?: (...args: E[K]) => boolean; timeoutMs?: number }): Promise<E[K]>;
  count(name: keyof E): number;
  unsubscribe(): void;
}

export function subscribeToEvents<E extends EventMap>(emitter: TypedEmitter<E>, names: readonly (keyof E)[]): EventSubscription<E> {
  const events: { name: keyof E; args: unknown[] }[] = [];
  const offs = names.map((name) => emitter.on(name, ((...args: unknown[]) => events.push({ name, args })) as never));
  return {
    events,
    async waitFor(name, options = {}) {
      const seen = events.find((e) => e.name === name && (!options.predicate || options.predicate(...(e.args as E[typeof name]))));
      if (seen) return seen.args as E[typeof name];
      return waitForEvent(emitter, name, {
        timeoutMs: options.timeoutMs ?? 20_000,
        ...(options.predicate ? { predicate: options.predicate } : {}),
        onTimeout: () => new Error(`timed out waiting for event "${String(name)}" (seen: ${events.map((e) => String(e.name)).join(', ') || 'none'})`),
      });
    },
    count: (name) => events.filter((e) => e.name === name).length,
    unsubscribe: () => offs.forEach((off) => off()),
  };
}

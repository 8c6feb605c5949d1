import type { EngineClient, EngineClientEvents } from '../client/engine-client.js';

/** Event-driven wait with a timeout (tests never sleep for a fixed time to assert). */
export function waitForEvent<E extends keyof EngineClientEvents & string>(
  client: EngineClient,
  event: E,
  predicate: (...args: EngineClientEvents[E]) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<EngineClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for engine event ${event}`));
    }, timeoutMs);
    const listener = (...args: EngineClientEvents[E]) => {
      if (!predicate(...args)) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args);
    };
    client.on(event, listener);
  });
}

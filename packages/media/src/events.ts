import { EventEmitter } from 'node:events';

/** Typed event map as data; listeners that throw never break the emitter (mediasoup's safeEmit). */
export class TypedEmitter<Events extends Record<string, unknown[]>> {
  readonly #ee = new EventEmitter();
  constructor(private readonly onListenerError: (event: string, err: unknown) => void = () => {}) {
    this.#ee.setMaxListeners(50);
  }
  on<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.#ee.on(event, listener as (...a: unknown[]) => void);
    return this;
  }
  once<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.#ee.once(event, listener as (...a: unknown[]) => void);
    return this;
  }
  off<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    this.#ee.off(event, listener as (...a: unknown[]) => void);
    return this;
  }
  protected safeEmit<E extends keyof Events & string>(event: E, ...args: Events[E]): void {
    for (const l of this.#ee.listeners(event)) {
      try {
        (l as (...a: unknown[]) => void)(...args);
      } catch (err) {
        this.onListenerError(event, err);
      }
    }
  }
}

/** pino-compatible logger surface. */
export interface Logger {
  debug(obj: unknown, msg?: string): void;
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** Redact secrets in URLs/strings before logging (`?token=`, `?pwd=`, `passphrase=`, RTMP stream keys). */
export function redact(s: string): string {
  return s
    .replace(/([?&](?:token|pwd|password|passphrase|streamid|key)=)[^&\s"']+/gi, '$1[redacted]')
    .replace(/(rtmps?:\/\/[^\s"']+\/)([^/\s"'?]{12,})/gi, '$1[redacted]');
}

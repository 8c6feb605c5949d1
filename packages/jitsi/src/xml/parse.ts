/**
 * Parsing helpers that never throw anything but the caller's typed error (JingleError or BridgeChannelError with
 * reason 'malformed'). Peers send us arbitrary XML: every attribute read goes through here.
 */
import { Parser, type Element } from '@xmpp/xml';
import { BridgeChannelError, JingleError } from '../errors.js';

export type MalformedError = JingleError | BridgeChannelError;
/** Builds the typed error for a malformed input; the message names the problem. */
export type FailFactory = (message: string, cause?: unknown) => MalformedError;

export const jingleMalformed: FailFactory = (message, cause) =>
  new JingleError(
    'malformed',
    `Malformed Jingle: ${message}. The stanza was rejected (bad-request); check the peer's Jingle output.`,
    cause === undefined ? undefined : { cause },
  );

export const bridgeMalformed: FailFactory = (message, cause) =>
  new BridgeChannelError(
    'malformed',
    `Malformed bridge message: ${message}. The message was ignored; check the bridge version.`,
    cause === undefined ? undefined : { cause },
  );

/** Parses one XML document (a stanza) into an ltx Element. */
export function parseXml(text: string, fail: FailFactory = jingleMalformed): Element {
  if (typeof text !== 'string') throw fail('input is not a string');
  const parser = new Parser();
  let root: Element | null = null;
  let error: unknown = null;
  let ended = false;
  parser.on('start', (el: Element) => {
    root = el;
  });
  parser.on('element', (el: Element) => {
    // Stream semantics: top-level children arrive detached; re-attach them (as @xmpp/xml's own parse does).
    if (root) root.append(el);
  });
  parser.on('end', () => {
    ended = true;
  });
  parser.on('error', (err: unknown) => {
    error ??= err;
  });
  try {
    parser.write(text);
    parser.end();
  } catch (err) {
    throw fail('XML could not be parsed', err);
  }
  if (error) throw fail(`XML could not be parsed (${errorText(error)})`, error);
  if (!root || !ended) throw fail('XML document is empty or not closed');
  return root;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Attribute readers bound to one failure factory and a context string for messages. */
export class AttrReader {
  constructor(private readonly fail: FailFactory) {}

  optString(el: Element, name: string): string | undefined {
    const v = el.attrs[name];
    return typeof v === 'string' ? v : undefined;
  }

  string(el: Element, name: string): string {
    const v = this.optString(el, name);
    if (v === undefined || v === '') throw this.fail(`<${el.name}> needs a non-empty "${name}" attribute`);
    return v;
  }

  optInt(el: Element, name: string, min: number, max: number): number | undefined {
    const v = this.optString(el, name);
    if (v === undefined || v === '') return undefined;
    return this.checkInt(el, name, v, min, max);
  }

  int(el: Element, name: string, min: number, max: number): number {
    return this.checkInt(el, name, this.string(el, name), min, max);
  }

  optBool(el: Element, name: string): boolean | undefined {
    const v = this.optString(el, name);
    if (v === undefined || v === '') return undefined;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw this.fail(`<${el.name} ${name}="${truncate(v)}"> is not a boolean`);
  }

  oneOf<T extends string>(el: Element, name: string, allowed: readonly T[], fallback?: T): T {
    const v = this.optString(el, name);
    if (v === undefined || v === '') {
      if (fallback !== undefined) return fallback;
      throw this.fail(`<${el.name}> needs a "${name}" attribute (${allowed.join('|')})`);
    }
    if (!(allowed as readonly string[]).includes(v)) {
      throw this.fail(`<${el.name} ${name}="${truncate(v)}"> is not one of ${allowed.join('|')}`);
    }
    return v as T;
  }

  private checkInt(el: Element, name: string, v: string, min: number, max: number): number {
    if (!/^-?\d{1,16}$/.test(v)) throw this.fail(`<${el.name} ${name}="${truncate(v)}"> is not an integer`);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw this.fail(`<${el.name} ${name}="${truncate(v)}"> is outside ${min}…${max}`);
    }
    return n;
  }
}

export function truncate(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * Fuzz test of parseBridgeMessage: random JSON, mutated catalogue frames and raw garbage. Invariant: a typed result
 * or BridgeChannelError('malformed'), nothing else. Seeded PRNG (mulberry32), so failures are reproducible.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BridgeChannelError } from '../errors.js';
import { parseBridgeMessage } from './messages.js';

function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  return { next, int, pick };
}
type R = ReturnType<typeof prng>;

const frames = readFileSync(
  fileURLToPath(new URL('../../test/fixtures/colibri/bridge-messages.jsonl', import.meta.url)),
  'utf8',
)
  .split('\n')
  .filter(Boolean);
const CLASSES = frames.map((f) => (JSON.parse(f) as { colibriClass: string }).colibriClass);
const KEYS = [
  'colibriClass',
  'mappedSources',
  'ssrc',
  'rtx',
  'owner',
  'source',
  'videoType',
  'active',
  'endpoint',
  'forwardedSources',
  'maxHeight',
  'sourceName',
  '__proto__',
  'constructor',
];

function randomValue(r: R, depth = 0): unknown {
  switch (r.int(depth > 3 ? 6 : 8)) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick([0, -1, 1, 2 ** 32, 2 ** 53, 1.5, -0, 4294967295, Number.MAX_VALUE]);
    case 3:
      return r.pick(['', 'true', 'false', 'CAMERA', 'desktop', 'x-v0', 'jvb', '\u0000', '𝄞']);
    case 4:
      return r.pick(CLASSES);
    case 5:
      return r.int(1000);
    case 6: {
      const arr: unknown[] = [];
      for (let i = r.int(4); i > 0; i--) arr.push(randomValue(r, depth + 1));
      return arr;
    }
    default: {
      const obj: Record<string, unknown> = {};
      for (let i = r.int(5); i > 0; i--) obj[r.pick(KEYS)] = randomValue(r, depth + 1);
      return obj;
    }
  }
}

function mutateJson(value: unknown, r: R): unknown {
  if (Array.isArray(value)) {
    const copy = value.map((v) => (r.next() < 0.3 ? mutateJson(v, r) : v));
    if (r.next() < 0.2) copy.push(randomValue(r, 2));
    if (r.next() < 0.2) copy.splice(r.int(copy.length + 1), 1);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const k = keys.length ? r.pick(keys) : 'x';
    switch (r.int(3)) {
      case 0:
        delete copy[k];
        break;
      case 1:
        copy[k] = randomValue(r, 2);
        break;
      default:
        copy[k] = mutateJson(copy[k], r);
    }
    return copy;
  }
  return r.next() < 0.5 ? randomValue(r, 3) : value;
}

function check(text: unknown): 'ok' | 'ignored' | 'error' {
  try {
    const msg = parseBridgeMessage(text);
    expect(typeof msg.colibriClass).toBe('string');
    return msg.colibriClass === 'Ignored' ? 'ignored' : 'ok';
  } catch (err) {
    if (!(err instanceof BridgeChannelError)) throw err;
    expect(err.reason).toBe('malformed');
    return 'error';
  }
}

// CPU is shared: generous per-test timeout, never a speed assertion.
const FUZZ_TIMEOUT = 120_000;

describe('colibri parser fuzz', () => {
  it('structurally mutated catalogue frames (3000 iterations)', { timeout: FUZZ_TIMEOUT }, () => {
    const r = prng(7);
    const seen = { ok: 0, ignored: 0, error: 0 };
    for (let i = 0; i < 3000; i++) {
      let v: unknown = JSON.parse(r.pick(frames));
      for (let m = 1 + r.int(3); m > 0; m--) v = mutateJson(v, r);
      seen[check(JSON.stringify(v))]++;
    }
    // The fuzzer must reach both outcomes, or it is not testing the validators.
    expect(seen.ok).toBeGreaterThan(100);
    expect(seen.error).toBeGreaterThan(100);
  });

  it('random JSON values and text-level damage (3000 iterations)', { timeout: FUZZ_TIMEOUT }, () => {
    const r = prng(99);
    for (let i = 0; i < 1500; i++) check(JSON.stringify(randomValue(r)));
    for (let i = 0; i < 1500; i++) {
      const f = r.pick(frames);
      const at = r.int(f.length);
      check(f.slice(0, at) + String.fromCharCode(r.int(256)) + f.slice(at + 1 + r.int(5)));
    }
    for (const raw of [undefined, null, 5, {}, Buffer.from('{}'), '', ' ', 'null', '"x"', '{"colibriClass":5}'])
      check(raw);
  });
});

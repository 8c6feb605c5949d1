/**
 * Fuzz test: random and mutated stanzas through parseJingle → jingleToSdp / SourceMap / buildJingle.
 * Invariants: never anything but a typed JingleError; a parsed message round-trips through buildJingle; the SDP
 * built from any accepted message has exactly one m-line per mid and no injected lines. Seeded, so reproducible.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { xml, type Element } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { JingleError } from '../errors.js';
import { parseXml } from '../xml/parse.js';
import { buildJingle } from './build-jingle.js';
import { jingleToSdp } from './jingle-to-sdp.js';
import { parseJingle } from './parse-jingle.js';
import { SourceMap } from './source-map.js';
import type { JingleMessage } from './types.js';

/** mulberry32: small seeded PRNG. */
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

const dir = fileURLToPath(new URL('../../test/fixtures/jingle/', import.meta.url));
const seeds = readdirSync(dir)
  .filter((f) => f.endsWith('.xml'))
  .map((f) => readFileSync(dir + f, 'utf8'));

const NASTY_VALUES = [
  '',
  ' ',
  '-1',
  '0',
  '4294967296',
  '4294967295',
  '1e3',
  'NaN',
  '0x10',
  '99999999999999999999',
  'abc',
  'true',
  'a b',
  'x\r\na=candidate:1 1 udp 1 6.6.6.6 1 typ host',
  '\u0000',
  '<',
  '"',
  '{"sources":{"x":[[{"s":1}]]}}',
  '{"sources":[]}',
  '{}',
  'audio',
  'video',
  'FID',
  'SIM',
  'BUNDLE',
  'jvb',
  'both',
  'none',
  'initiator',
  'responder',
  'actpass',
  'host',
  'relay',
  'udp',
  'opus',
  'VP8',
  'rtx',
  'AV1',
];
const NAMES = [
  'content',
  'description',
  'transport',
  'source',
  'ssrc-group',
  'payload-type',
  'parameter',
  'rtcp-fb',
  'rtp-hdrext',
  'candidate',
  'fingerprint',
  'web-socket',
  'group',
  'json-message',
  'reason',
  'bridge-session',
  'rtcp-mux',
  'ssrc-info',
];

function allElements(el: Element): Element[] {
  const out: Element[] = [el];
  for (const c of el.children) if (typeof c !== 'string') out.push(...allElements(c));
  return out;
}

function mutateElement(root: Element, r: ReturnType<typeof prng>): void {
  const els = allElements(root);
  const target = r.pick(els);
  switch (r.int(8)) {
    case 0: {
      const keys = Object.keys(target.attrs).filter((k) => k !== 'xmlns' || r.next() < 0.2);
      const k = keys.length ? r.pick(keys) : undefined;
      if (k) delete target.attrs[k];
      break;
    }
    case 1: {
      const keys = Object.keys(target.attrs);
      const k = keys.length ? r.pick(keys) : 'x';
      target.attrs[k] = r.pick(NASTY_VALUES);
      break;
    }
    case 2: {
      if (target.parent) target.parent.children = target.parent.children.filter((c) => c !== target);
      break;
    }
    case 3: {
      const copy = parseXml(target.toString());
      if (target.parent) target.parent.append(copy);
      break;
    }
    case 4: {
      const attrs: Record<string, string> = {};
      for (let i = r.int(4); i > 0; i--)
        attrs[r.pick(['ssrc', 'id', 'name', 'media', 'semantics', 'url', 'xmlns'])] = r.pick(NASTY_VALUES);
      target.append(xml(r.pick(NAMES), attrs));
      break;
    }
    case 5: {
      target.children = [r.pick(NASTY_VALUES)];
      break;
    }
    case 6: {
      const other = r.pick(els);
      if (other !== target && target.parent && !allElements(target).includes(other)) {
        target.parent.children = target.parent.children.filter((c) => c !== target);
        target.parent = null;
        other.append(target);
      }
      break;
    }
    default: {
      target.attrs[r.pick(['ssrc', 'id', 'port', 'priority', 'component', 'clockrate', 'channels', 'generation'])] =
        r.pick(NASTY_VALUES);
    }
  }
}

function mutateText(text: string, r: ReturnType<typeof prng>): string {
  const i = r.int(text.length);
  const j = Math.min(text.length, i + r.int(40));
  switch (r.int(4)) {
    case 0:
      return text.slice(0, i) + text.slice(j);
    case 1:
      return text.slice(0, i) + text.slice(i, j) + text.slice(i);
    case 2:
      return text.slice(0, i) + r.pick(NASTY_VALUES) + text.slice(j);
    default:
      return text.slice(0, i) + String.fromCharCode(r.int(128)) + text.slice(i + 1);
  }
}

function randomText(r: ReturnType<typeof prng>): string {
  const parts: string[] = [];
  for (let i = r.int(30); i > 0; i--) {
    parts.push(
      r.pick([
        '<',
        '>',
        '/',
        '"',
        '=',
        ' ',
        'jingle',
        'xmlns="urn:xmpp:jingle:1"',
        'action="source-add"',
        'sid="s"',
        '<content name="a">',
        '</content>',
        '&amp;',
        '&#10;',
        ...NASTY_VALUES,
      ]),
    );
  }
  return parts.join('');
}

/** Runs the whole pure pipeline; returns the thrown error if any. */
function exercise(input: Element | string): unknown {
  let msg: JingleMessage;
  try {
    msg = parseJingle(input);
  } catch (err) {
    return err;
  }
  // Round-trip invariant for every accepted message.
  expect(parseJingle(buildJingle(msg).toString())).toEqual(msg);
  const map = new SourceMap({ ownEndpointId: 'a1b2c3d4' });
  map.applyOffer(msg);
  map.applySourceAdd(msg);
  map.applySourceRemove(msg);
  try {
    const { sdp, mids } = jingleToSdp(msg, { sources: map.toSourceSet(), h264: true });
    const lines = sdp.split('\r\n').filter(Boolean);
    for (const l of lines) expect(l).toMatch(/^[vostcmab]=/);
    expect(lines.filter((l) => l.startsWith('m='))).toHaveLength(mids.length);
    expect(sdp).not.toContain('6.6.6.6');
  } catch (err) {
    return err;
  }
  return undefined;
}

function expectTyped(err: unknown): void {
  if (err === undefined) return;
  if (!(err instanceof JingleError)) throw err;
  expect(['malformed', 'unsupported', 'no-usable-codec']).toContain(err.reason);
  expect(err.message.length).toBeGreaterThan(10);
}

// CPU is shared: generous per-test timeout, never a speed assertion.
const FUZZ_TIMEOUT = 120_000;

describe('Jingle fuzz', () => {
  it('element-level mutations of real stanzas (2000 iterations)', { timeout: FUZZ_TIMEOUT }, () => {
    const r = prng(0x5eed);
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const root = parseXml(r.pick(seeds));
      for (let m = 1 + r.int(4); m > 0; m--) mutateElement(root, r);
      const err = exercise(root);
      expectTyped(err);
      if (err === undefined) accepted++;
    }
    // Mutations are small: a good share must still be accepted, or the fuzzer is not reaching the SDP stage.
    expect(accepted).toBeGreaterThan(200);
  });

  it('text-level mutations (1500 iterations)', { timeout: FUZZ_TIMEOUT }, () => {
    const r = prng(0xbadc0de);
    for (let i = 0; i < 1500; i++) {
      let text = r.pick(seeds);
      for (let m = 1 + r.int(3); m > 0; m--) text = mutateText(text, r);
      expectTyped(exercise(text));
    }
  });

  it('random input (1500 iterations)', { timeout: FUZZ_TIMEOUT }, () => {
    const r = prng(42);
    for (let i = 0; i < 1500; i++) expectTyped(exercise(randomText(r)));
    for (const weird of [undefined, null, 42, {}, [], '<a/>', xml('jingle', { xmlns: 'urn:xmpp:jingle:1' })]) {
      expectTyped(exercise(weird as unknown as string));
    }
  });
});

/**
 * Deterministic guids for events that have none (older wafer/pentabarf exports). A name-based UUID v5 (RFC 9562 §5.5)
 * over a fixed Stagecast namespace, so the same document always yields the same guids and re-imports stay idempotent.
 *
 * Name = `<conference acronym or title>␀<event id>` when the id is unique in the document; when the id repeats
 * (pretalx: one submission, several slots) or is missing, the slot's UTC start and room are added (a moved slot then
 * gets a new guid — planImport reports it as removed + created with a code/slug match hint). SHA-1 is implemented
 * here rather than taken from node:crypto so the package also runs in browsers.
 */

/** Namespace UUID for Stagecast schedule guids (random, fixed forever). */
export const STAGECAST_GUID_NAMESPACE = '3b0b2c57-9d0e-4a47-8e58-2f5f0c6a9d41';

function rotl(x: number, n: number): number {
  return (x << n) | (x >>> (32 - n));
}

/** SHA-1 (FIPS 180-4) of bytes. */
export function sha1(bytes: Uint8Array): Uint8Array {
  const bitLength = bytes.length * 8;
  const padded = new Uint8Array((((bytes.length + 8) >> 6) + 1) * 64);
  padded.set(bytes);
  padded[bytes.length] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bitLength / 2 ** 32));
  view.setUint32(padded.length - 4, bitLength >>> 0);
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!, 1);
    let [a, b, c, d, e] = h as [number, number, number, number, number];
    for (let i = 0; i < 80; i++) {
      const f = i < 20 ? (b & c) | (~b & d) : i < 40 ? b ^ c ^ d : i < 60 ? (b & c) | (b & d) | (c & d) : b ^ c ^ d;
      const k = i < 20 ? 0x5a827999 : i < 40 ? 0x6ed9eba1 : i < 60 ? 0x8f1bbcdc : 0xca62c1d6;
      const t = (rotl(a, 5) + f + e + k + w[i]!) >>> 0;
      e = d;
      d = c;
      c = rotl(b, 30) >>> 0;
      b = a;
      a = t;
    }
    h[0] = (h[0]! + a) >>> 0;
    h[1] = (h[1]! + b) >>> 0;
    h[2] = (h[2]! + c) >>> 0;
    h[3] = (h[3]! + d) >>> 0;
    h[4] = (h[4]! + e) >>> 0;
  }
  const out = new Uint8Array(20);
  const outView = new DataView(out.buffer);
  h.forEach((v, i) => outView.setUint32(i * 4, v));
  return out;
}

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** UUID v5 of `name` in `namespace` (RFC 9562 §5.5). */
export function uuidV5(name: string, namespace: string = STAGECAST_GUID_NAMESPACE): string {
  const ns = namespace.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(ns)) throw new TypeError(`uuidV5: namespace "${namespace}" is not a UUID`);
  const nsBytes = Uint8Array.from(ns.match(/../g)!.map((b) => parseInt(b, 16)));
  const nameBytes = new TextEncoder().encode(name);
  const input = new Uint8Array(nsBytes.length + nameBytes.length);
  input.set(nsBytes);
  input.set(nameBytes, nsBytes.length);
  const digest = sha1(input).slice(0, 16);
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const s = hex(digest);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

export interface GuidInput {
  conference: string;
  externalId: string | null;
  idIsUnique: boolean;
  startUtc: string;
  room: string;
  title: string;
}

/** The documented derivation (see module comment). */
export function deriveGuid(input: GuidInput): string {
  const parts =
    input.externalId !== null && input.idIsUnique
      ? [input.conference, input.externalId]
      : input.externalId !== null
        ? [input.conference, input.externalId, input.startUtc, input.room]
        : [input.conference, input.startUtc, input.room, input.title];
  return uuidV5(parts.join('\u0000'));
}

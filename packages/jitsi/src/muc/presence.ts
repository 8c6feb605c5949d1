/**
 * Our MUC presence (docs/jitsi-protocol.md §4; LJM `ChatRoom.ts` `sendPresence`): one model, re-sent whole on every
 * change; `<x xmlns="http://jabber.org/protocol/muc">` (with password / billingid) only in the first presence.
 *
 * Custom extensions: like LJM's presence map (`ChatRoom.ts` `presMap.nodes`, `addOrReplaceInPresence` /
 * `removeFromPresence`, which JitsiConference `sendCommand` uses for custom "commands"), a participant may add its own
 * children to the presence; they are re-sent with every presence. Jitsi clients ignore children they have no handler
 * for (`ChatRoom.ts` `_processNode` looks handlers up by tag name), so other participants are unaffected. Ours always
 * carry their own namespace so they can never be mistaken for a Jitsi element.
 */
import { xml, Element } from '@xmpp/xml';
import { capsElement, type DiscoInfo } from '../caps/caps.js';
import { JitsiError } from '../errors.js';

export interface PresenceModel {
  nick?: string;
  /** `{"<source>":{"muted":bool,"videoType"?:"desktop"}}` */
  sourceInfo: Record<string, { muted: boolean; videoType?: 'desktop' }>;
  codecList: string[];
  statsId?: string;
  avatarUrl?: string;
  email?: string;
  bot: boolean;
  /** What `<c ver>` is computed from; the same object answers disco#info. Default: STAGECAST_DISCO_INFO. */
  discoInfo?: DiscoInfo;
  /** Custom children (one per name + namespace), appended to every presence we send. See setPresenceExtension. */
  extensions?: Element[];
}

/** A custom presence child in plain form: `<name xmlns="…" attr="…">text</name>` (one level, no nested children). */
export interface PresenceExtension {
  name: string;
  xmlns: string;
  attrs?: Record<string, string>;
  text?: string;
}

export type PresenceExtensionErrorReason = 'invalid-name' | 'reserved-namespace' | 'too-large';

export class PresenceExtensionError extends JitsiError {
  override name = 'PresenceExtensionError';
  constructor(
    readonly reason: PresenceExtensionErrorReason,
    message: string,
  ) {
    super(`presence-extension:${reason}`, message);
  }
}

/** Namespaces of the elements the presence model itself builds or the server adds: never custom. */
const RESERVED_NS = new Set([
  'jabber:client',
  'http://jabber.org/protocol/muc',
  'http://jabber.org/protocol/muc#user',
  'http://jabber.org/protocol/nick',
  'http://jabber.org/protocol/caps',
  'http://jitsi.org/jitmeet',
]);
const NCNAME = /^[A-Za-z_][\w.-]{0,63}$/;
/** Every presence carries all extensions: keep each small (a few attributes, a short text). */
export const MAX_PRESENCE_EXTENSION_BYTES = 2048;

/** Validates a custom presence child and builds its element. Throws PresenceExtensionError. */
export function presenceExtensionElement(ext: PresenceExtension | Element): Element {
  const el =
    ext instanceof Element
      ? cloneElement(ext)
      : xml(ext.name, { xmlns: ext.xmlns, ...withoutXmlns(ext.attrs) }, ext.text ?? null);
  const xmlns = el.attrs.xmlns;
  if (!NCNAME.test(el.name) || el.name.includes(':')) {
    throw new PresenceExtensionError(
      'invalid-name',
      `presence extension name "${el.name}" is not a plain XML name (letters, digits, _ . -; at most 64)`,
    );
  }
  if (typeof xmlns !== 'string' || !xmlns) {
    throw new PresenceExtensionError(
      'invalid-name',
      `presence extension <${el.name}> needs its own xmlns (e.g. https://example.org/ns/${el.name})`,
    );
  }
  if (RESERVED_NS.has(xmlns)) {
    throw new PresenceExtensionError(
      'reserved-namespace',
      `presence extension <${el.name}> uses the reserved namespace ${xmlns}; pick your own`,
    );
  }
  const size = Buffer.byteLength(el.toString());
  if (size > MAX_PRESENCE_EXTENSION_BYTES) {
    throw new PresenceExtensionError(
      'too-large',
      `presence extension <${el.name}> is ${size} bytes; every presence carries it, keep it under ${MAX_PRESENCE_EXTENSION_BYTES}`,
    );
  }
  return el;
}

/** Deep copy (@xmpp/xml 0.14 has no Element#clone at run time). */
function cloneElement(el: Element): Element {
  return xml(el.name, { ...el.attrs }, ...el.children.map((c) => (typeof c === 'string' ? c : cloneElement(c))));
}

function withoutXmlns(attrs: Record<string, string> | undefined): Record<string, string> {
  const { xmlns: _ignored, ...rest } = attrs ?? {};
  return rest;
}

/** The model's extensions with `el` added, replacing one with the same name + namespace (order kept). */
export function withPresenceExtension(list: readonly Element[] | undefined, el: Element): Element[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((e) => e.name === el.name && e.attrs.xmlns === el.attrs.xmlns);
  if (i >= 0) out[i] = el;
  else out.push(el);
  return out;
}

/** The model's extensions without the one named `name` in `xmlns`. */
export function withoutPresenceExtension(list: readonly Element[] | undefined, name: string, xmlns: string): Element[] {
  return (list ?? []).filter((e) => !(e.name === name && e.attrs.xmlns === xmlns));
}

/**
 * Reads a custom child from another occupant's presence (an Occupant's `presence`, or the stanza itself): its
 * attributes (without xmlns) and text, or undefined when the occupant does not send it.
 */
export function readPresenceExtension(
  from: Element | { presence: Element },
  name: string,
  xmlns: string,
): PresenceExtension | undefined {
  const presence = from instanceof Element ? from : from.presence;
  const el = presence.getChild(name, xmlns);
  if (!el) return undefined;
  const attrs: Record<string, string> = {};
  for (const [k, v] of Object.entries(el.attrs)) if (k !== 'xmlns' && typeof v === 'string') attrs[k] = v;
  const text = el.getText();
  return { name, xmlns, attrs, ...(text ? { text } : {}) };
}

export function buildPresence(
  to: string,
  model: PresenceModel,
  initial?: { password?: string; billingId?: string },
): Element {
  return xml(
    'presence',
    { to },
    initial
      ? xml(
          'x',
          { xmlns: 'http://jabber.org/protocol/muc' },
          initial.password ? xml('password', {}, initial.password) : null,
          initial.billingId ? xml('billingid', {}, initial.billingId) : null,
        )
      : null,
    capsElement(model.discoInfo),
    model.nick ? xml('nick', { xmlns: 'http://jabber.org/protocol/nick' }, model.nick) : null,
    xml('SourceInfo', {}, JSON.stringify(model.sourceInfo)),
    xml('jitsi_participant_codecList', {}, model.codecList.join(',')),
    model.statsId ? xml('stats-id', {}, model.statsId) : null,
    model.avatarUrl ? xml('avatar-url', {}, model.avatarUrl) : null,
    model.email ? xml('email', {}, model.email) : null,
    model.bot ? xml('bot', { type: 'poltergeist' }) : null,
    // Clones: an element appended to a stanza gets that stanza as parent; the model keeps its own copies.
    ...(model.extensions ?? []).map(cloneElement),
  );
}

/** SourceInfo of another occupant; legacy `<audiomuted>`/`<videomuted>` only when SourceInfo is absent. */
export function readSourceInfo(presence: Element): Record<string, { muted: boolean; videoType?: string }> {
  const text = presence.getChildText('SourceInfo');
  if (text) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const out: Record<string, { muted: boolean; videoType?: string }> = {};
        for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
          const e = v as { muted?: unknown; videoType?: unknown } | null;
          const info: { muted: boolean; videoType?: string } = { muted: e?.muted === true };
          if (typeof e?.videoType === 'string') info.videoType = e.videoType;
          out[k] = info;
        }
        return out;
      }
    } catch {
      /* fall through to legacy */
    }
  }
  const out: Record<string, { muted: boolean }> = {};
  const nick = presence.attrs.from?.split('/')[1] ?? '';
  const a = presence.getChildText('audiomuted');
  const v = presence.getChildText('videomuted');
  if (a !== null) out[`${nick}-a0`] = { muted: a === 'true' };
  if (v !== null) out[`${nick}-v0`] = { muted: v === 'true' };
  return out;
}

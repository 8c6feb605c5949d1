/**
 * Entity capabilities (XEP-0115) and the disco#info answer (XEP-0030), built from ONE constant so the `ver` we
 * advertise in presence always matches what we answer when jicofo queries `node#ver` (docs/jitsi-protocol.md §4, §5;
 * jicofo `jicofo-common/…/xmpp/Features.kt`). A wrong or copied `ver` could give us another client's features.
 */
import { createHash } from 'node:crypto';
import { xml, type Element } from '@xmpp/xml';
import { NS } from '../xml/namespaces.js';

export interface DiscoIdentity {
  category: string;
  type: string;
  name?: string;
  lang?: string;
}

export interface DiscoInfo {
  identities: readonly DiscoIdentity[];
  features: readonly string[];
}

/** XEP-0115 node of Stagecast (a URI identifying the software). */
export const STAGECAST_CAPS_NODE = 'https://stagecast.example/participant';

/**
 * Stagecast's identity and the 13 features of §5. Not advertised on purpose: `ssrc-rewriting-1` (phase 2),
 * `rtp-mid-demux`, `dtls-sctp` (we use the WebSocket bridge channel), `opus-red`, `remb` (TCC is used),
 * rfc5761/5888 (assumed since 2022), jibri/jigasi/transcriber roles.
 */
export const STAGECAST_DISCO_INFO: DiscoInfo = Object.freeze({
  identities: Object.freeze([Object.freeze({ category: 'client', type: 'bot', name: 'Stagecast' })]),
  features: Object.freeze([
    'urn:xmpp:jingle:1',
    'urn:xmpp:jingle:apps:rtp:1',
    'urn:xmpp:jingle:apps:rtp:audio',
    'urn:xmpp:jingle:apps:rtp:video',
    'urn:xmpp:jingle:transports:ice-udp:1',
    'urn:xmpp:jingle:apps:dtls:0',
    'urn:ietf:rfc:4588',
    'http://jitsi.org/tcc',
    'http://jitsi.org/json-encoded-sources',
    'http://jitsi.org/source-name',
    'http://jitsi.org/receive-multiple-video-streams',
    'http://jabber.org/protocol/caps',
    'http://jabber.org/protocol/disco#info',
  ]),
});

/** i;octet collation (RFC 4790 §9.3), as XEP-0115 §5.1 requires; JS string order differs outside the BMP. */
function octetCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function identityKey(i: DiscoIdentity): string {
  return `${i.category}/${i.type}/${i.lang ?? ''}/${i.name ?? ''}`;
}

/** XEP-0115 §5.1 verification string (`S`) for identities + features (no XEP-0128 forms). */
export function capsVerificationString(info: DiscoInfo): string {
  const identities = [...info.identities].sort(
    (a, b) =>
      octetCompare(a.category, b.category) ||
      octetCompare(a.type, b.type) ||
      octetCompare(a.lang ?? '', b.lang ?? '') ||
      octetCompare(a.name ?? '', b.name ?? ''),
  );
  const features = [...new Set(info.features)].sort(octetCompare);
  return identities.map((i) => `${identityKey(i)}<`).join('') + features.map((f) => `${f}<`).join('');
}

/** XEP-0115 `ver`: base64(SHA-1(S)). */
export function capsVer(info: DiscoInfo): string {
  return createHash('sha1').update(capsVerificationString(info), 'utf8').digest('base64');
}

/** Presence `<c xmlns="http://jabber.org/protocol/caps" hash="sha-1" node ver>`. */
export function capsElement(info: DiscoInfo = STAGECAST_DISCO_INFO, node: string = STAGECAST_CAPS_NODE): Element {
  return xml('c', { xmlns: NS.caps, hash: 'sha-1', node, ver: capsVer(info) });
}

/**
 * The `<query xmlns="http://jabber.org/protocol/disco#info">` payload of our disco#info result. `node` is echoed
 * exactly as queried (XEP-0115 §6.2: jicofo asks for `node#ver`); omit it for a plain query.
 */
export function discoInfoQuery(node?: string, info: DiscoInfo = STAGECAST_DISCO_INFO): Element {
  return xml(
    'query',
    { xmlns: NS.discoInfo, node: node || undefined },
    ...info.identities.map((i) =>
      xml('identity', { category: i.category, type: i.type, name: i.name, 'xml:lang': i.lang }),
    ),
    ...info.features.map((f) => xml('feature', { var: f })),
  );
}

/** Optional features a participant may advertise on top of the defaults (docs/jitsi-protocol.md §5, §10). */
export interface DiscoFeatureOptions {
  /** `http://jitsi.org/ssrc-rewriting-1`: the bridge maps remote sources onto SSRC slots (mode B). Default false. */
  ssrcRewriting?: boolean;
  /** `http://jitsi.org/json-encoded-sources`: remote sources as `<json-message>`. Default true; false = XML form. */
  jsonSources?: boolean;
}

export const FEATURE_SSRC_REWRITING = 'http://jitsi.org/ssrc-rewriting-1';
export const FEATURE_JSON_SOURCES = 'http://jitsi.org/json-encoded-sources';

/** The disco#info of one participant: the defaults adjusted by options (caps `ver` follows automatically). */
export function participantDiscoInfo(o: DiscoFeatureOptions = {}): DiscoInfo {
  if (!o.ssrcRewriting && o.jsonSources !== false) return STAGECAST_DISCO_INFO;
  const features = STAGECAST_DISCO_INFO.features.filter((f) => !(o.jsonSources === false && f === FEATURE_JSON_SOURCES));
  if (o.ssrcRewriting) features.push(FEATURE_SSRC_REWRITING);
  return Object.freeze({ identities: STAGECAST_DISCO_INFO.identities, features: Object.freeze(features) });
}

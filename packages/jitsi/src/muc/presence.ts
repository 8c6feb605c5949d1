/**
 * Our MUC presence (docs/jitsi-protocol.md §4; LJM `ChatRoom.ts` `sendPresence`): one model, re-sent whole on every
 * change; `<x xmlns="http://jabber.org/protocol/muc">` (with password / billingid) only in the first presence.
 */
import { xml, type Element } from '@xmpp/xml';
import { capsElement, type DiscoInfo } from '../caps/caps.js';

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
}

export function buildPresence(to: string, model: PresenceModel, initial?: { password?: string; billingId?: string }): Element {
  return xml(
    'presence',
    { to },
    initial
      ? xml('x', { xmlns: 'http://jabber.org/protocol/muc' },
          initial.password ? xml('password', {}, initial.password) : null,
          initial.billingId ? xml('billingid', {}, initial.billingId) : null)
      : null,
    capsElement(model.discoInfo),
    model.nick ? xml('nick', { xmlns: 'http://jabber.org/protocol/nick' }, model.nick) : null,
    xml('SourceInfo', {}, JSON.stringify(model.sourceInfo)),
    xml('jitsi_participant_codecList', {}, model.codecList.join(',')),
    model.statsId ? xml('stats-id', {}, model.statsId) : null,
    model.avatarUrl ? xml('avatar-url', {}, model.avatarUrl) : null,
    model.email ? xml('email', {}, model.email) : null,
    model.bot ? xml('bot', { type: 'poltergeist' }) : null,
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

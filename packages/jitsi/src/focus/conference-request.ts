/**
 * Conference request to focus (docs/jitsi-protocol.md §3; LJM `modules/xmpp/moderator.js`, jicofo
 * `ConferenceIqHandler.kt`): sent BEFORE the MUC join; join only after `ready="true"`. `ready="false"` and
 * `not-authorized` (guest before host) are retried with 1 s·2ⁿ backoff capped at 120 s; the whole wait is bounded.
 */
import { xml } from '@xmpp/xml';
import { z } from 'zod';
import { StanzaError } from '../connection/stanza-error.js';
import type { XmppConnection } from '../connection/xmpp-connection.js';
import { ConferenceError, ConnectionError } from '../errors.js';
import { delay } from '../events.js';
import type { Logger } from '../logger.js';
import { NS } from '../xml/namespaces.js';

export interface ConferenceRequestOptions {
  connection: Pick<XmppConnection, 'request'>;
  focus: string;
  roomJid: string;
  machineUid: string;
  token?: string;
  /** HTTP variant (`conferenceRequestUrl`); falls back to the IQ on failure. */
  httpUrl?: string;
  timeoutMs?: number;
  iqTimeoutMs?: number;
  signal?: AbortSignal;
  logger: Logger;
  /** Called when the focus says to wait (ready=false / not-authorized): "waiting for the host". */
  onWaiting?: (reason: 'not-ready' | 'waiting-for-host') => void;
}

export interface ConferenceGrant {
  focusJid?: string;
  /** true when granted over HTTP: put `<billingid>` into the initial MUC `<x>`. */
  viaHttp: boolean;
}

const httpResponseSchema = z.looseObject({ ready: z.boolean(), focusJid: z.string().optional(), room: z.string().optional() });

async function httpRequest(o: ConferenceRequestOptions): Promise<ConferenceGrant | 'retry' | undefined> {
  const url = new URL(o.httpUrl as string);
  url.searchParams.set('room', o.roomJid.split('@')[0] ?? '');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    body: JSON.stringify({ room: o.roomJid, machineUid: o.machineUid, properties: { rtcstatsEnabled: 'false' } }),
    signal: AbortSignal.timeout(o.iqTimeoutMs ?? 10_000),
  });
  if (res.status === 403) return 'retry';
  if (!res.ok) return undefined;
  const body = httpResponseSchema.safeParse(await res.json());
  if (!body.success) return undefined;
  if (!body.data.ready) return 'retry';
  return body.data.focusJid ? { focusJid: body.data.focusJid, viaHttp: true } : { viaHttp: true };
}

export async function requestConference(o: ConferenceRequestOptions): Promise<ConferenceGrant> {
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  let sessionId: string | undefined;
  let lastError: unknown;
  let useHttp = o.httpUrl !== undefined;
  for (let attempt = 0; ; attempt++) {
    if (o.signal?.aborted) throw o.signal.reason;
    let retry = false;
    if (useHttp) {
      try {
        const r = await httpRequest(o);
        if (r === 'retry') retry = true;
        else if (r) return r;
        else useHttp = false; // invalid answer: the IQ is authoritative
      } catch (err) {
        o.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'HTTP conference request failed; using the IQ');
        useHttp = false;
      }
    }
    if (!retry && !useHttp) {
      const conference = xml('conference', {
        xmlns: NS.focus,
        room: o.roomJid,
        'machine-uid': o.machineUid,
        token: o.token,
        'session-id': sessionId,
      }, xml('property', { name: 'rtcstatsEnabled', value: 'false' }));
      try {
        const res = await o.connection.request(xml('iq', { type: 'set', to: o.focus }, conference), o.iqTimeoutMs ?? 10_000);
        const c = res.getChild('conference', NS.focus);
        if (c?.attrs.ready === 'true') return c.attrs.focusjid ? { focusJid: c.attrs.focusjid, viaHttp: false } : { viaHttp: false };
        o.onWaiting?.('not-ready');
        retry = true;
      } catch (err) {
        lastError = err;
        if (err instanceof StanzaError) {
          if (err.condition === 'not-authorized') {
            o.onWaiting?.('waiting-for-host');
            retry = true;
          } else if (err.application?.name === 'session-invalid' || err.condition === 'not-acceptable') {
            sessionId = undefined;
            retry = true;
          } else if (err.condition === 'service-unavailable' || err.condition === 'remote-server-not-found' || err.condition === 'item-not-found') {
            retry = true; // focus not connected (yet)
          } else {
            throw new ConferenceError('focus-unavailable', `The focus refused the conference request (${err.condition}${err.text ? `: ${err.text}` : ''}); check the deployment's jicofo.`, { cause: err });
          }
        } else if (err instanceof ConnectionError && err.reason === 'timeout') {
          retry = true;
        } else {
          throw err;
        }
      }
    }
    const wait = Math.min(120_000, 1000 * 2 ** attempt);
    if (Date.now() + wait > deadline) {
      const waitingForHost = lastError instanceof StanzaError && lastError.condition === 'not-authorized';
      if (waitingForHost) {
        throw new ConferenceError('waiting-for-host', 'The meeting has not been started by an authenticated host yet; retry later or log in with host credentials.', { cause: lastError });
      }
      throw new ConferenceError('focus-timeout', `The focus (${o.focus}) did not make the conference ready in time; check that jicofo is running and reachable.`, { cause: lastError });
    }
    await delay(wait, o.signal);
  }
}

/**
 * MUC membership (XEP-0045 as Jitsi uses it, docs/jitsi-protocol.md §4, §15, §16): join with the full presence,
 * typed join errors (LJM `ChatRoom.ts` `onPresenceError`), occupants with their last presence, groupchat messages,
 * subject, kicks, invites (lobby), clean leave. Input through `handleStanza()`, output as typed events.
 */
import { xml, type Element } from '@xmpp/xml';
import { StanzaError } from '../connection/stanza-error.js';
import type { XmppConnection } from '../connection/xmpp-connection.js';
import { ConferenceError } from '../errors.js';
import { TypedEmitter } from '../events.js';
import type { Logger } from '../logger.js';
import { buildPresence, readSourceInfo, type PresenceModel } from './presence.js';

const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_JITMEET = 'http://jitsi.org/jitmeet';

export interface Occupant {
  nick: string;
  occupantJid: string;
  realJid?: string;
  role?: string;
  affiliation?: string;
  displayName?: string;
  sourceInfo: Record<string, { muted: boolean; videoType?: string }>;
  isFocus: boolean;
  presence: Element;
}

export type MucRoomEvents = {
  joined: [self: Occupant];
  occupantJoined: [Occupant];
  occupantUpdated: [Occupant];
  occupantLeft: [Occupant];
  messageReceived: [{ from: string; nick: string; body: string; stamp?: string }];
  subjectChanged: [subject: string];
  /** Our own presence changed after the join (role or affiliation granted by a moderator or the focus). */
  selfUpdated: [self: Occupant, previous: Occupant];
  /** An invite to this room arrived (lobby approval). */
  invited: [from: string];
  /** We were removed: 307 kicked, room destroyed, … */
  removed: [reason: 'kicked' | 'room-destroyed' | 'other', text?: string];
};

/** What MucRoom needs of the XMPP connection (a fake in unit tests). */
export type MucConnection = Pick<XmppConnection, 'send' | 'on'>;

export class MucRoom extends TypedEmitter<MucRoomEvents> {
  readonly occupants = new Map<string, Occupant>();
  #joined = false;
  #self: Occupant | undefined;

  constructor(
    private readonly connection: MucConnection,
    readonly roomJid: string,
    readonly nick: string,
    private readonly log: Logger,
    private readonly isFocusJid: (realJid: string | undefined, nick: string) => boolean = (_j, n) => n === 'focus',
  ) {
    super(log);
  }

  get occupantJid(): string {
    return `${this.roomJid}/${this.nick}`;
  }

  get isJoined(): boolean {
    return this.#joined;
  }

  get self(): Occupant | undefined {
    return this.#self;
  }

  /** Sends the initial presence and waits for our self-presence (status 110) or a typed error. */
  async join(model: PresenceModel, options: { password?: string; billingId?: string; timeoutMs?: number } = {}): Promise<Occupant> {
    const timeoutMs = options.timeoutMs ?? 15_000;
    const result = new Promise<Occupant>((resolve, reject) => {
      const timer = setTimeout(() => {
        offJ();
        offS();
        reject(new ConferenceError('join-timeout', `No answer to the join of ${this.roomJid} within ${timeoutMs} ms; check the MUC domain (hosts.muc).`));
      }, timeoutMs);
      const offJ = this.once('joined', (self) => {
        clearTimeout(timer);
        offS();
        resolve(self);
      });
      const offS = this.connection.on('stanzaReceived', (s) => {
        if (s.name === 'presence' && s.attrs.type === 'error' && s.attrs.from === this.occupantJid) {
          clearTimeout(timer);
          offJ();
          offS();
          reject(joinError(StanzaError.fromStanza(s)));
        }
      });
    });
    const initial: { password?: string; billingId?: string } = {};
    if (options.password) initial.password = options.password;
    if (options.billingId) initial.billingId = options.billingId;
    await this.connection.send(buildPresence(this.occupantJid, model, initial));
    return result;
  }

  /** Re-sends the whole presence (no `<x>`). */
  async updatePresence(model: PresenceModel): Promise<void> {
    if (!this.#joined) return;
    await this.connection.send(buildPresence(this.occupantJid, model));
  }

  handleStanza(s: Element): void {
    const from = s.attrs.from ?? '';
    if (s.name === 'message') {
      this.#handleMessage(s, from);
      return;
    }
    if (s.name !== 'presence' || !from.startsWith(`${this.roomJid}/`) || s.attrs.type === 'error') return;
    const nick = from.slice(this.roomJid.length + 1);
    const x = s.getChild('x', NS_MUC_USER);
    const item = x?.getChild('item');
    const codes = new Set((x?.getChildren('status') ?? []).map((c) => c.attrs.code));
    const isSelf = codes.has('110') || nick === this.nick;
    if (s.attrs.type === 'unavailable') {
      if (isSelf) {
        this.#joined = false;
        if (codes.has('307')) this.safeEmit('removed', 'kicked', item?.getChildText('reason') ?? undefined);
        else if (x?.getChild('destroy')) this.safeEmit('removed', 'room-destroyed');
        else if (this.#self) this.safeEmit('removed', 'other');
        return;
      }
      const gone = this.occupants.get(nick);
      if (gone) {
        this.occupants.delete(nick);
        this.safeEmit('occupantLeft', gone);
      }
      return;
    }
    const occupant: Occupant = {
      nick,
      occupantJid: from,
      sourceInfo: readSourceInfo(s),
      isFocus: this.isFocusJid(item?.attrs.jid, nick),
      presence: s,
    };
    if (item?.attrs.jid) occupant.realJid = item.attrs.jid;
    if (item?.attrs.role) occupant.role = item.attrs.role;
    if (item?.attrs.affiliation) occupant.affiliation = item.attrs.affiliation;
    const dn = s.getChildText('nick', 'http://jabber.org/protocol/nick');
    if (dn) occupant.displayName = dn;
    if (isSelf) {
      const previous = this.#self;
      this.#self = occupant;
      if (!this.#joined) {
        this.#joined = true;
        this.safeEmit('joined', occupant);
      } else if (previous) {
        this.safeEmit('selfUpdated', occupant, previous);
      }
      return;
    }
    const known = this.occupants.has(nick);
    this.occupants.set(nick, occupant);
    this.safeEmit(known ? 'occupantUpdated' : 'occupantJoined', occupant);
  }

  #handleMessage(s: Element, from: string): void {
    const bare = from.split('/')[0];
    if (bare !== this.roomJid) return;
    const invite = s.getChild('x', NS_MUC_USER)?.getChild('invite');
    if (invite) {
      this.safeEmit('invited', invite.attrs.from ?? from);
      return;
    }
    if (s.attrs.type !== 'groupchat') return;
    const subject = s.getChildText('subject');
    if (subject !== null && s.getChild('body') === undefined) {
      this.safeEmit('subjectChanged', subject);
      return;
    }
    const body = s.getChildText('body');
    if (body === null) return;
    const nick = from.slice(this.roomJid.length + 1);
    const stamp = s.getChild('delay', 'urn:xmpp:delay')?.attrs.stamp;
    this.safeEmit('messageReceived', stamp ? { from, nick, body, stamp } : { from, nick, body });
  }

  async sendMessage(body: string): Promise<void> {
    await this.connection.send(xml('message', { to: this.roomJid, type: 'groupchat' }, xml('body', {}, body)));
  }

  async setSubject(subject: string): Promise<void> {
    await this.connection.send(xml('message', { to: this.roomJid, type: 'groupchat' }, xml('subject', {}, subject)));
  }

  /**
   * §16: unavailable presence (optional `<status>`), wait ≤ timeout for our own unavailable. Resolves true when the
   * room confirmed it, false on timeout or when the connection was already gone.
   */
  async leave(timeoutMs = 5000, status?: string): Promise<boolean> {
    if (!this.#joined) return false;
    let off = (): void => {};
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => {
        off();
        resolve(false);
      }, timeoutMs);
      off = this.connection.on('stanzaReceived', (s) => {
        if (s.name === 'presence' && s.attrs.type === 'unavailable' && s.attrs.from === this.occupantJid) {
          clearTimeout(timer);
          off();
          resolve(true);
        }
      });
    });
    let confirmed = false;
    try {
      await this.connection.send(xml('presence', { to: this.occupantJid, type: 'unavailable' }, status ? xml('status', {}, status) : null));
      confirmed = await done;
    } catch {
      /* connection gone: nothing to leave */
      clearTimeout(timer);
      off();
    }
    this.#joined = false;
    return confirmed;
  }
}

/** LJM `ChatRoom.ts` `onPresenceError` table (§4). */
export function joinError(err: StanzaError): ConferenceError {
  const app = err.application;
  const cause = { cause: err };
  switch (err.condition) {
    case 'not-authorized':
      return new ConferenceError('password-required', 'The room is locked with a password; pass the room password (--password).', cause);
    case 'registration-required': {
      const error = err.stanza.getChild('error');
      const lobby = error?.getChildText('lobbyroom', NS_JITMEET) ?? err.stanza.getChildText('lobbyroom', NS_JITMEET);
      if (error?.getChild('waiting-for-host', NS_JITMEET) ?? err.stanza.getChild('waiting-for-host', NS_JITMEET)) {
        // jitsi mod_muc_wait_for_host: guests may not enter before a moderator; wait and retry (§15).
        const w = new ConferenceError('waiting-for-host', 'The meeting has not been started by a host yet; wait, or join with host credentials (secure domain or a moderator JWT).', cause);
        if (lobby) (w as ConferenceError & { lobbyRoom?: string }).lobbyRoom = lobby;
        return w;
      }
      const e = new ConferenceError(
        'room-locked',
        lobby ? 'The room has a lobby; knock and wait for a moderator to admit you (lobby option).' : 'The room is members-only; ask a moderator to invite you.',
        cause,
      );
      if (lobby) (e as ConferenceError & { lobbyRoom?: string }).lobbyRoom = lobby;
      return e;
    }
    case 'not-allowed':
      if (app?.name === 'authentication-required') {
        return new ConferenceError('authentication-required', 'Anonymous access is disabled on this deployment; pass credentials or a JWT.', cause);
      }
      return new ConferenceError('focus-unavailable', `The room does not exist yet (${err.text ?? 'room creation is restricted'}); the focus has not created it — retry the conference request.`, cause);
    case 'service-unavailable':
      return new ConferenceError('room-full', 'The room is full; try again later or raise the participant limit.', cause);
    case 'conflict':
      return new ConferenceError('nickname-conflict', 'Our endpoint id is already in use in this room; rejoin with a new endpoint id.', cause);
    default:
      if (app?.name === 'displayname-required') {
        return new ConferenceError('displayname-required', 'The deployment requires a display name; pass --nick.', cause);
      }
      return new ConferenceError('focus-unavailable', `Joining the room failed (${err.type}/${err.condition}); check the room name and deployment.`, cause);
  }
}

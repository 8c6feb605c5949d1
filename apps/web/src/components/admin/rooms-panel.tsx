'use client';

import { useState, type FormEvent } from 'react';
import { useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';
import { useAction } from './use-action.js';

export interface RoomRow {
  id: string;
  slug: string;
  publicSlug: string;
  name: string;
  meetingUrl: string | null;
  meetingUrlHadQuery: boolean;
  jitsi: { hasJwt: boolean; hasRoomPassword: boolean; xmppDomain: string | null };
  outputs: { kind: 'hls' | 'rtmp' | 'srt'; target: string; hasSecret: boolean }[];
}

type NewOutput =
  | { kind: 'hls'; publicUrl?: string }
  | { kind: 'rtmp'; url: string; streamKey?: string }
  | { kind: 'srt'; url: string; streamId?: string };

/** A write-only secret field: empty keeps the stored value; "clear" removes it. The value is never shown. */
function SecretField({ name, label, isSet }: { name: string; label: string; isSet: boolean }) {
  return (
    <label>
      {label}
      <input
        name={name}
        type="password"
        autoComplete="off"
        placeholder={isSet ? 'set — leave empty to keep' : 'not set'}
      />
      {isSet ? (
        <span className="admin-form__check">
          <input type="checkbox" name={`${name}Clear`} /> clear
        </span>
      ) : null}
    </label>
  );
}

function readOutput(form: FormData): NewOutput | null {
  const kind = String(form.get('outputKind') ?? '');
  const url = String(form.get('outputUrl') ?? '').trim();
  const secret = String(form.get('outputSecret') ?? '').trim();
  if (!kind || (!url && kind !== 'hls')) return null;
  if (kind === 'hls') return url ? { kind, publicUrl: url } : { kind };
  if (kind === 'rtmp') return secret ? { kind, url, streamKey: secret } : { kind, url };
  return secret ? { kind: 'srt', url, streamId: secret } : { kind: 'srt', url };
}

function RoomForm({ conferenceId, room, onDone }: { conferenceId: string; room: RoomRow | null; onDone: () => void }) {
  const api = useAdminApi();
  const { busy, error, run } = useAction();
  const [removed, setRemoved] = useState<number[]>([]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const secret = (name: string) =>
      form.get(`${name}Clear`) === 'on'
        ? null
        : String(form.get(name) ?? '') === ''
          ? undefined
          : String(form.get(name));
    const jitsi = {
      jwt: secret('jwt'),
      roomPassword: secret('roomPassword'),
      xmppDomain: String(form.get('xmppDomain') ?? '').trim() || null,
    };
    const meetingUrl = String(form.get('meetingUrl') ?? '').trim();
    const added = readOutput(form);
    const done = await run(() => {
      if (room) {
        const kept = room.outputs.map((_, index) => index).filter((index) => !removed.includes(index));
        return api.room.update.mutate({
          roomId: room.id,
          name: String(form.get('name') ?? ''),
          slug: String(form.get('slug') ?? ''),
          // An unchanged (query-stripped) URL is not sent back, so a stored ?jwt= survives.
          ...(meetingUrl === (room.meetingUrl ?? '') ? {} : { meetingUrl: meetingUrl || null }),
          jitsi,
          outputs: [...kept.map((keepIndex) => ({ keepIndex })), ...(added ? [added] : [])],
        });
      }
      return api.room.create.mutate({
        conferenceId,
        name: String(form.get('name') ?? ''),
        slug: String(form.get('slug') ?? ''),
        meetingUrl: meetingUrl || null,
        jitsi: { jwt: jitsi.jwt ?? null, roomPassword: jitsi.roomPassword ?? null, xmppDomain: jitsi.xmppDomain },
        outputs: added ? [added] : [],
      });
    });
    if (done) onDone();
  }

  return (
    <form
      className="admin-form card"
      onSubmit={onSubmit}
      aria-label={room ? `Edit ${room.name}` : 'New room'}
      noValidate
    >
      <div className="admin-form__row">
        <label>
          Name
          <input name="name" defaultValue={room?.name ?? ''} />
        </label>
        <label>
          Slug
          <input name="slug" defaultValue={room?.slug ?? ''} placeholder="main-hall" />
        </label>
        <label className="admin-form__wide">
          Jitsi Meet URL
          <input
            name="meetingUrl"
            type="url"
            defaultValue={room?.meetingUrl ?? ''}
            placeholder="https://meet.example.org/room"
          />
        </label>
        <SecretField name="roomPassword" label="Room password" isSet={room?.jitsi.hasRoomPassword ?? false} />
        <SecretField name="jwt" label="JWT" isSet={room?.jitsi.hasJwt ?? false} />
        <label>
          XMPP domain (optional)
          <input name="xmppDomain" defaultValue={room?.jitsi.xmppDomain ?? ''} />
        </label>
      </div>
      <fieldset className="admin-fieldset">
        <legend>Broadcast outputs</legend>
        {room?.outputs.map((output, index) =>
          removed.includes(index) ? null : (
            <div key={index} className="output-row">
              <span className="badge">{output.kind}</span> {output.target}
              {output.hasSecret ? <span className="meta"> · key set (hidden)</span> : null}{' '}
              <button
                className="button button--small button--ghost"
                type="button"
                onClick={() => setRemoved([...removed, index])}
              >
                Remove
              </button>
            </div>
          ),
        )}
        <div className="admin-form__row">
          <label>
            Add output
            <select name="outputKind" defaultValue="">
              <option value="">—</option>
              <option value="hls">HLS</option>
              <option value="rtmp">RTMP</option>
              <option value="srt">SRT</option>
            </select>
          </label>
          <label className="admin-form__wide">
            URL
            <input name="outputUrl" placeholder="rtmp://live.example.org/app" />
          </label>
          <label>
            Stream key / id
            <input name="outputSecret" type="password" autoComplete="off" />
          </label>
        </div>
      </fieldset>
      <FormError message={error} />
      <div className="admin-form__actions">
        <button className="button" type="submit" disabled={busy}>
          {room ? 'Save room' : 'Add room'}
        </button>
        <button className="button button--ghost" type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function RoomsPanel({ conferenceId, rooms }: { conferenceId: string; rooms: RoomRow[] }) {
  const api = useAdminApi();
  const { error, run } = useAction();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <>
      <div className="admin-head">
        <h2>Rooms ({rooms.length})</h2>
        {editing !== 'new' ? (
          <button className="button" type="button" onClick={() => setEditing('new')}>
            New room
          </button>
        ) : null}
      </div>
      {editing === 'new' ? <RoomForm conferenceId={conferenceId} room={null} onDone={() => setEditing(null)} /> : null}
      <FormError message={error} />
      <div className="admin-grid">
        {rooms.map((room) =>
          editing === room.id ? (
            <RoomForm key={room.id} conferenceId={conferenceId} room={room} onDone={() => setEditing(null)} />
          ) : (
            <article key={room.id} className="card" data-testid="room-card" aria-label={room.name}>
              <h3 className="room__name">{room.name}</h3>
              <p className="meta">
                /{room.slug} · public page <a href={`/watch/${room.publicSlug}`}>/watch/{room.publicSlug}</a>
              </p>
              <p>
                {room.meetingUrl ?? <span className="meta">no meeting URL</span>}
                {room.meetingUrlHadQuery ? <span className="meta"> (+ hidden parameters)</span> : null}
              </p>
              <p className="meta">
                Password: {room.jitsi.hasRoomPassword ? 'set' : 'none'} · JWT: {room.jitsi.hasJwt ? 'set' : 'none'}
              </p>
              <ul className="plain">
                {room.outputs.map((o, i) => (
                  <li key={i}>
                    <span className="badge">{o.kind}</span> {o.target}
                    {o.hasSecret ? <span className="meta"> · key hidden</span> : null}
                  </li>
                ))}
              </ul>
              <div className="admin-form__actions">
                <button
                  className="button button--small button--ghost"
                  type="button"
                  onClick={() => setEditing(room.id)}
                >
                  Edit
                </button>
                <button
                  className="button button--small button--danger"
                  type="button"
                  onClick={() => {
                    if (window.confirm(`Delete room "${room.name}"? Its talks stay, without a room.`)) {
                      void run(() => api.room.delete.mutate({ roomId: room.id }));
                    }
                  }}
                >
                  Delete
                </button>
              </div>
            </article>
          ),
        )}
      </div>
    </>
  );
}

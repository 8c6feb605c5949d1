'use client';

import { useState, type FormEvent } from 'react';
import { useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';
import { useAction } from './use-action.js';
import { VideoSummary, VideoUpload, type VideoInfo } from './video-upload.js';
import { dateToZonedWallTime, zonedWallTimeToDate } from './zoned-time.js';

export interface TalkRow {
  id: string;
  title: string;
  subtitle: string | null;
  speakers: string[];
  roomId: string | null;
  startsAt: Date;
  durationSeconds: number;
  language: string | null;
  recordingOptOut: boolean;
  video: VideoInfo | null;
}

interface Props {
  conferenceId: string;
  timeZone: string;
  rooms: { id: string; name: string }[];
  talks: TalkRow[];
}

function TalkForm({ props, talk, onDone }: { props: Props; talk: TalkRow | null; onDone: () => void }) {
  const api = useAdminApi();
  const { busy, error, setError, run } = useAction();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const startsAt = zonedWallTimeToDate(String(form.get('startsAt') ?? ''), props.timeZone);
    if (!startsAt) {
      setError('startsAt: enter a start date and time');
      return;
    }
    const fields = {
      title: String(form.get('title') ?? ''),
      subtitle: String(form.get('subtitle') ?? '') || null,
      speakers: String(form.get('speakers') ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      roomId: String(form.get('roomId') ?? '') || null,
      startsAt,
      durationMinutes: Number(form.get('durationMinutes')),
      language: String(form.get('language') ?? '') || null,
      recordingOptOut: form.get('recordingOptOut') === 'on',
    };
    const done = await run(() =>
      talk
        ? api.talk.update.mutate({ talkId: talk.id, ...fields })
        : api.talk.create.mutate({ conferenceId: props.conferenceId, ...fields }),
    );
    if (done) onDone();
  }

  return (
    <form
      className="admin-form card"
      onSubmit={onSubmit}
      aria-label={talk ? `Edit ${talk.title}` : 'New talk'}
      noValidate
    >
      <div className="admin-form__row">
        <label className="admin-form__wide">
          Title
          <input name="title" defaultValue={talk?.title ?? ''} />
        </label>
        <label className="admin-form__wide">
          Subtitle
          <input name="subtitle" defaultValue={talk?.subtitle ?? ''} />
        </label>
        <label className="admin-form__wide">
          Speakers (comma-separated)
          <input name="speakers" defaultValue={talk?.speakers.join(', ') ?? ''} />
        </label>
        <label>
          Room
          <select name="roomId" defaultValue={talk?.roomId ?? props.rooms[0]?.id ?? ''}>
            <option value="">— no room —</option>
            {props.rooms.map((room) => (
              <option key={room.id} value={room.id}>
                {room.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Starts ({props.timeZone})
          <input
            name="startsAt"
            type="datetime-local"
            defaultValue={talk ? dateToZonedWallTime(talk.startsAt, props.timeZone) : ''}
          />
        </label>
        <label>
          Minutes
          <input
            name="durationMinutes"
            type="number"
            min={1}
            defaultValue={talk ? Math.round(talk.durationSeconds / 60) : 30}
          />
        </label>
        <label>
          Language
          <input name="language" defaultValue={talk?.language ?? ''} placeholder="en" />
        </label>
        <label className="admin-form__check">
          <input name="recordingOptOut" type="checkbox" defaultChecked={talk?.recordingOptOut ?? false} />
          Recording opt-out
        </label>
      </div>
      <FormError message={error} />
      <div className="admin-form__actions">
        <button className="button" type="submit" disabled={busy}>
          {talk ? 'Save' : 'Add talk'}
        </button>
        <button className="button button--ghost" type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function TalksPanel(props: Props) {
  const api = useAdminApi();
  const { error, run } = useAction();
  const [editing, setEditing] = useState<string | null>(null);
  const roomName = new Map(props.rooms.map((r) => [r.id, r.name]));
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone: props.timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });

  return (
    <>
      <div className="admin-head">
        <h2>Talks ({props.talks.length})</h2>
        {editing !== 'new' ? (
          <button className="button" type="button" onClick={() => setEditing('new')}>
            New talk
          </button>
        ) : null}
      </div>
      {editing === 'new' ? <TalkForm props={props} talk={null} onDone={() => setEditing(null)} /> : null}
      <FormError message={error} />
      <table className="admin-table">
        <thead>
          <tr>
            <th>When</th>
            <th>Room</th>
            <th>Talk</th>
            <th>Video</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {props.talks.map((talk) =>
            editing === talk.id ? (
              <tr key={talk.id}>
                <td colSpan={5}>
                  <TalkForm props={props} talk={talk} onDone={() => setEditing(null)} />
                </td>
              </tr>
            ) : (
              <tr key={talk.id} data-testid="talk-row">
                <td className="nowrap">
                  {time.format(talk.startsAt)}
                  <div className="meta">{Math.round(talk.durationSeconds / 60)} min</div>
                </td>
                <td>{talk.roomId ? roomName.get(talk.roomId) : <span className="meta">no room</span>}</td>
                <td>
                  <strong>{talk.title}</strong>
                  {talk.speakers.length > 0 ? <div className="meta">{talk.speakers.join(', ')}</div> : null}
                </td>
                <td>
                  {talk.video ? <VideoSummary video={talk.video} slotSeconds={talk.durationSeconds} /> : null}
                  <VideoUpload talkId={talk.id} title={talk.title} />
                </td>
                <td className="nowrap">
                  <button
                    className="button button--small button--ghost"
                    type="button"
                    onClick={() => setEditing(talk.id)}
                  >
                    Edit
                  </button>{' '}
                  <button
                    className="button button--small button--danger"
                    type="button"
                    onClick={() => {
                      if (window.confirm(`Delete "${talk.title}"?`))
                        void run(() => api.talk.delete.mutate({ talkId: talk.id }));
                    }}
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
    </>
  );
}

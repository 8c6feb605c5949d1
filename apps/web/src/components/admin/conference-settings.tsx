'use client';

import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';
import { useAction } from './use-action.js';

export interface ConferenceFields {
  id: string;
  slug: string;
  name: string;
  timeZone: string;
  startsOn: string;
  endsOn: string;
  playoutLatePolicy: 'from-start' | 'join-in';
}

/** Edit a conference; admins may also delete it (with its rooms and talks). */
export function ConferenceSettings({ conference, canDelete }: { conference: ConferenceFields; canDelete: boolean }) {
  const api = useAdminApi();
  const router = useRouter();
  const { busy, error, run } = useAction();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    await run(() =>
      api.adminConference.update.mutate({
        conferenceId: conference.id,
        changes: {
          name: String(form.get('name') ?? ''),
          slug: String(form.get('slug') ?? ''),
          timeZone: String(form.get('timeZone') ?? ''),
          startsOn: String(form.get('startsOn') ?? ''),
          endsOn: String(form.get('endsOn') ?? ''),
          // The select offers only the two known values; the server validates anyway (zod enum).
          playoutLatePolicy: form.get('playoutLatePolicy') === 'join-in' ? 'join-in' : 'from-start',
        },
      }),
    );
  }

  return (
    <>
      <form className="admin-form card" onSubmit={onSubmit} aria-label="Conference settings" noValidate>
        <div className="admin-form__row">
          <label>
            Name
            <input name="name" defaultValue={conference.name} />
          </label>
          <label>
            Slug
            <input name="slug" defaultValue={conference.slug} />
          </label>
          <label>
            Time zone
            <input name="timeZone" defaultValue={conference.timeZone} />
          </label>
          <label>
            Starts on
            <input name="startsOn" type="date" defaultValue={conference.startsOn} />
          </label>
          <label>
            Ends on
            <input name="endsOn" type="date" defaultValue={conference.endsOn} />
          </label>
          <label>
            Late playout start
            <select name="playoutLatePolicy" defaultValue={conference.playoutLatePolicy}>
              <option value="from-start">Play from the beginning (the talk ends late)</option>
              <option value="join-in">Join in at the scheduled position (the talk ends on time)</option>
            </select>
          </label>
        </div>
        <p className="meta">
          Late playout start: what a talk video does when its playout begins after the scheduled time (a worker restart,
          a takeover, &quot;Start now&quot; after T).
        </p>
        <FormError message={error} />
        <div className="admin-form__actions">
          <button className="button" type="submit" disabled={busy}>
            Save
          </button>
        </div>
      </form>
      {canDelete ? (
        <section className="card">
          <h2>Delete conference</h2>
          <p className="meta">Deletes its rooms, talks, uploads records and job history. This cannot be undone.</p>
          <button
            className="button button--danger"
            type="button"
            disabled={busy}
            onClick={async () => {
              if (!window.confirm(`Delete "${conference.name}" with all its rooms and talks?`)) return;
              const done = await run(() => api.adminConference.delete.mutate({ conferenceId: conference.id }), {
                refresh: false,
              });
              if (done) {
                router.replace('/admin');
                router.refresh();
              }
            }}
          >
            Delete conference
          </button>
        </section>
      ) : null}
    </>
  );
}

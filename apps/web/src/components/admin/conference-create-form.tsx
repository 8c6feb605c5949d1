'use client';

import { useState, type FormEvent } from 'react';
import { useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';
import { useAction } from './use-action.js';

export function ConferenceCreateForm() {
  const api = useAdminApi();
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    const done = await run(() =>
      api.adminConference.create.mutate({
        slug: String(form.get('slug')),
        name: String(form.get('name')),
        timeZone: String(form.get('timeZone')),
        startsOn: String(form.get('startsOn')),
        endsOn: String(form.get('endsOn')),
      }),
    );
    if (done) {
      target.reset();
      setOpen(false);
    }
  }

  if (!open) {
    return (
      <button className="button" type="button" onClick={() => setOpen(true)}>
        New conference
      </button>
    );
  }
  return (
    <form className="admin-form card" onSubmit={onSubmit} aria-label="New conference">
      <div className="admin-form__row">
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label>
          Slug
          <input name="slug" required pattern="[a-z0-9]+(-[a-z0-9]+)*" placeholder="jsconf-2026" />
        </label>
        <label>
          Time zone
          <input name="timeZone" required defaultValue="Europe/Berlin" />
        </label>
        <label>
          Starts on
          <input name="startsOn" type="date" required />
        </label>
        <label>
          Ends on
          <input name="endsOn" type="date" required />
        </label>
      </div>
      <FormError message={error} />
      <div className="admin-form__actions">
        <button className="button" type="submit" disabled={busy}>
          Create
        </button>
        <button className="button button--ghost" type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

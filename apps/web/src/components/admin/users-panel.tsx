'use client';

import { useState, type FormEvent } from 'react';
import { useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';
import { useAction } from './use-action.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  isAdmin: boolean;
  disabled: boolean;
  conferences: { id: string; slug: string; name: string }[];
}

export function UsersPanel({
  users,
  conferences,
  selfId,
}: {
  users: UserRow[];
  conferences: { id: string; name: string }[];
  selfId: string;
}) {
  const api = useAdminApi();
  const { busy, error, run } = useAction();
  const [password, setPassword] = useState<{ email: string; password: string } | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    const email = String(form.get('email') ?? '');
    const conferenceId = String(form.get('conferenceId') ?? '');
    const result = await run(() =>
      api.user.create.mutate({
        email,
        name: String(form.get('name') ?? ''),
        isAdmin: form.get('isAdmin') === 'on',
        conferenceIds: conferenceId ? [conferenceId] : [],
      }),
    );
    if (result?.generatedPassword) {
      setPassword({ email, password: result.generatedPassword });
      target.reset();
    }
  }

  return (
    <>
      <form className="admin-form card" onSubmit={onSubmit} aria-label="New user" noValidate>
        <div className="admin-form__row">
          <label>
            E-mail
            <input name="email" type="email" />
          </label>
          <label>
            Name
            <input name="name" />
          </label>
          <label>
            Organizer of
            <select name="conferenceId" defaultValue="">
              <option value="">—</option>
              {conferences.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          <label className="admin-form__check">
            <input name="isAdmin" type="checkbox" /> Admin
          </label>
        </div>
        <FormError message={error} />
        <button className="button" type="submit" disabled={busy}>
          Create user
        </button>
      </form>
      {password ? (
        <div className="card notice notice--ok" role="status">
          <p>
            Password for {password.email} (shown once; pass it on safely): <code>{password.password}</code>
          </p>
          <button className="button button--ghost" type="button" onClick={() => setPassword(null)}>
            Done
          </button>
        </div>
      ) : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>User</th>
            <th>Role</th>
            <th>Conferences</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id}>
              <td>
                {u.name}
                <div className="meta">{u.email}</div>
              </td>
              <td>
                {u.isAdmin ? 'admin' : 'organizer'}
                {u.disabled ? ' (disabled)' : ''}
              </td>
              <td>
                {u.conferences.map((c) => (
                  <span key={c.id} className="chip">
                    {c.name}{' '}
                    <button
                      type="button"
                      className="chip__remove"
                      aria-label={`Remove ${u.name} from ${c.name}`}
                      onClick={() => run(() => api.user.removeMembership.mutate({ userId: u.id, conferenceId: c.id }))}
                    >
                      ×
                    </button>
                  </span>
                ))}
                <select
                  aria-label={`Add ${u.name} to a conference`}
                  value=""
                  onChange={(e) =>
                    e.target.value &&
                    run(() => api.user.addMembership.mutate({ userId: u.id, conferenceId: e.target.value }))
                  }
                >
                  <option value="">+ conference</option>
                  {conferences
                    .filter((c) => !u.conferences.some((m) => m.id === c.id))
                    .map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                </select>
              </td>
              <td className="nowrap">
                {u.id === selfId ? (
                  <span className="meta">you</span>
                ) : (
                  <>
                    <button
                      className="button button--small button--ghost"
                      type="button"
                      onClick={() => run(() => api.user.update.mutate({ id: u.id, disabled: !u.disabled }))}
                    >
                      {u.disabled ? 'Enable' : 'Disable'}
                    </button>{' '}
                    <button
                      className="button button--small button--ghost"
                      type="button"
                      onClick={async () => {
                        const r = await run(() => api.user.resetPassword.mutate({ id: u.id }), { refresh: false });
                        if (r) setPassword({ email: u.email, password: r.generatedPassword });
                      }}
                    >
                      Reset password
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

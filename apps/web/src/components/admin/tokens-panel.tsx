'use client';

import { useState, type FormEvent } from 'react';
import { useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';
import { useAction } from './use-action.js';

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export function TokensPanel({ tokens }: { tokens: TokenRow[] }) {
  const api = useAdminApi();
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState<string | null>(null);
  const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const target = event.currentTarget;
    const days = String(form.get('expiresInDays') ?? '');
    const result = await run(() =>
      api.apiToken.create.mutate({ name: String(form.get('name') ?? ''), expiresInDays: days ? Number(days) : null }),
    );
    if (result) {
      setCreated(result.token);
      target.reset();
    }
  }

  return (
    <>
      <form className="admin-form card" onSubmit={onSubmit} aria-label="New API token" noValidate>
        <div className="admin-form__row">
          <label className="admin-form__wide">
            Token name
            <input name="name" placeholder="schedule bot" />
          </label>
          <label>
            Expires after (days, empty = never)
            <input name="expiresInDays" type="number" min={1} />
          </label>
        </div>
        <FormError message={error} />
        <button className="button" type="submit" disabled={busy}>
          Create token
        </button>
      </form>
      {created ? (
        <div className="card notice notice--ok" role="status">
          <p>
            <strong>Copy this token now — it is shown only once.</strong> Send it as{' '}
            <code>Authorization: Bearer …</code>.
          </p>
          <pre data-testid="new-token">{created}</pre>
          <button className="button button--ghost" type="button" onClick={() => setCreated(null)}>
            Done
          </button>
        </div>
      ) : null}
      <table className="admin-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Token</th>
            <th>Created</th>
            <th>Last used</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>{date.format(t.createdAt)}</td>
              <td>{t.lastUsedAt ? date.format(t.lastUsedAt) : 'never'}</td>
              <td>
                {t.revokedAt
                  ? 'revoked'
                  : t.expiresAt && t.expiresAt < new Date()
                    ? 'expired'
                    : t.expiresAt
                      ? `until ${date.format(t.expiresAt)}`
                      : 'active'}
              </td>
              <td>
                {t.revokedAt ? null : (
                  <button
                    className="button button--small button--danger"
                    type="button"
                    onClick={() => run(() => api.apiToken.revoke.mutate({ id: t.id }))}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

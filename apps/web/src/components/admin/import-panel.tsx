'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/api/root.js';
import { errorMessage, useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';

type Preview = inferRouterOutputs<AppRouter>['scheduleImport']['preview'];
type Applied = inferRouterOutputs<AppRouter>['scheduleImport']['apply'];
type Source = { kind: 'text'; text: string; fileName: string } | { kind: 'url'; url: string };

const CREATE = '__create';
const IGNORE = '__ignore';

export function ImportPanel({ conferenceId, timeZone }: { conferenceId: string; timeZone: string }) {
  const api = useAdminApi();
  const router = useRouter();
  const [source, setSource] = useState<Source | null>(null);
  const [url, setUrl] = useState('');
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [applied, setApplied] = useState<Applied | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const time = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });

  async function runPreview(next: Source, nextMapping: Record<string, string>) {
    setBusy(true);
    setError(null);
    setApplied(null);
    try {
      const result = await api.scheduleImport.preview.mutate({ conferenceId, source: next, roomMapping: nextMapping });
      setPreview(result);
      setSource(next);
      setMapping(Object.fromEntries(result.rooms.filter((r) => r.target).map((r) => [r.name, r.target ?? ''])));
    } catch (caught: unknown) {
      setPreview(null);
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  async function apply() {
    if (!source || !preview) return;
    setBusy(true);
    setError(null);
    try {
      const result = await api.scheduleImport.apply.mutate({
        conferenceId,
        source,
        roomMapping: mapping,
        documentSha256: preview.documentSha256,
      });
      setApplied(result);
      setPreview(null);
      router.refresh();
    } catch (caught: unknown) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="import">
      <section className="card">
        <h2>1. Choose the schedule</h2>
        <p className="meta">
          frab / pretalx schedule.xml or schedule.json, or wafer pentabarf.xml. Nothing is stored until you apply.
        </p>
        <div className="admin-form admin-form__row">
          <label>
            Upload a file
            <input
              type="file"
              accept=".xml,.json,application/xml,application/json,text/xml"
              aria-label="Schedule file"
              onChange={async (event) => {
                const input = event.currentTarget;
                const file = input.files?.[0];
                // Cleared so choosing the same file again (a re-import) fires change again.
                input.value = '';
                if (file) await runPreview({ kind: 'text', text: await file.text(), fileName: file.name }, {});
              }}
            />
          </label>
          <label className="admin-form__wide">
            …or import from a URL
            <span className="inline-field">
              <input
                type="url"
                value={url}
                placeholder="https://pretalx.example.org/conf/schedule/export/schedule.xml"
                onChange={(e) => setUrl(e.target.value)}
              />
              <button
                className="button"
                type="button"
                disabled={busy || !url}
                onClick={() => runPreview({ kind: 'url', url }, {})}
              >
                Preview
              </button>
            </span>
          </label>
        </div>
        <FormError message={error} />
        {busy ? <p className="meta">Working…</p> : null}
      </section>

      {applied ? (
        <section className="card notice notice--ok" role="status" data-testid="import-result">
          <h2>Imported</h2>
          <p>
            {applied.created} created · {applied.updated} updated · {applied.unchanged} unchanged
            {applied.createdRooms.length > 0 ? ` · new rooms: ${applied.createdRooms.join(', ')}` : ''}
          </p>
          {applied.removedUpstream.length > 0 ? (
            <p>
              Missing from the schedule (kept, decide yourself):{' '}
              {applied.removedUpstream.map((r) => r.title).join(', ')}
            </p>
          ) : null}
        </section>
      ) : null}

      {preview ? (
        <>
          <section className="card">
            <h2>2. Map the rooms</h2>
            <p className="meta">
              {preview.scheduleTitle} · {preview.format}
              {preview.version ? ` · version ${preview.version}` : ''} · {preview.scheduleTimeZone}
            </p>
            <table className="admin-table">
              <thead>
                <tr>
                  <th>Schedule room</th>
                  <th>Talks</th>
                  <th>Our room</th>
                </tr>
              </thead>
              <tbody>
                {preview.rooms.map((room) => (
                  <tr key={room.name}>
                    <td>{room.name}</td>
                    <td>{room.talkCount}</td>
                    <td>
                      <select
                        aria-label={`Room for ${room.name}`}
                        value={mapping[room.name] ?? ''}
                        onChange={(event) => {
                          const next = { ...mapping, [room.name]: event.target.value };
                          if (!event.target.value) delete next[room.name];
                          if (source) void runPreview(source, next);
                        }}
                      >
                        <option value="">— choose —</option>
                        {preview.availableRooms.map((r) => (
                          <option key={r.slug} value={r.slug}>
                            {r.name}
                          </option>
                        ))}
                        <option value={CREATE}>Create room “{room.newRoomSlug}”</option>
                        <option value={IGNORE}>Ignore (skip its talks)</option>
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview.warnings.length > 0 ? (
              <details>
                <summary>{preview.warnings.length} warnings</summary>
                <ul>
                  {preview.warnings.slice(0, 50).map((w, i) => (
                    <li key={i}>{w}</li>
                  ))}
                </ul>
              </details>
            ) : null}
          </section>

          <section className="card" data-testid="import-preview">
            <h2>3. Review and apply</h2>
            {preview.needsMapping || !preview.plan ? (
              <p className="notice">
                Choose a room (or “Ignore”) for every schedule room with talks to see what will change.
              </p>
            ) : (
              <>
                <p className="plan-summary">
                  <span className="badge">{preview.plan.create.length} new</span>{' '}
                  <span className="badge">{preview.plan.update.length} changed</span>{' '}
                  <span className="badge badge--past">{preview.plan.unchanged.length} unchanged</span>{' '}
                  <span className="badge badge--live">{preview.plan.removedUpstream.length} removed upstream</span>
                </p>
                {preview.plan.create.length > 0 ? (
                  <details open>
                    <summary>New talks ({preview.plan.create.length})</summary>
                    <ul className="plan-list">
                      {preview.plan.create.map((t) => (
                        <li key={t.guid}>
                          <span className="nowrap meta">{time.format(t.startsAt)}</span> {t.title}{' '}
                          <span className="meta">· {t.room}</span>
                        </li>
                      ))}
                    </ul>
                  </details>
                ) : null}
                {preview.plan.update.length > 0 ? (
                  <details open>
                    <summary>Changed talks ({preview.plan.update.length})</summary>
                    <ul className="plan-list">
                      {preview.plan.update.map((t) => (
                        <li key={t.guid}>
                          {t.title}
                          <ul>
                            {t.changes.map((c) => (
                              <li key={c.field} className="meta">
                                {c.field}: {c.from} → {c.to}
                              </li>
                            ))}
                          </ul>
                        </li>
                      ))}
                    </ul>
                  </details>
                ) : null}
                {preview.plan.removedUpstream.length > 0 ? (
                  <details open>
                    <summary>
                      No longer in the schedule ({preview.plan.removedUpstream.length}) — kept, not deleted
                    </summary>
                    <ul className="plan-list">
                      {preview.plan.removedUpstream.map((t) => (
                        <li key={t.guid}>{t.title}</li>
                      ))}
                    </ul>
                  </details>
                ) : null}
                <button className="button" type="button" disabled={busy} onClick={apply}>
                  Apply import
                </button>
              </>
            )}
          </section>
        </>
      ) : null}
    </div>
  );
}

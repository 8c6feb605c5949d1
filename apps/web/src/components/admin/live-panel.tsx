'use client';

import { useEffect, useState } from 'react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/api/root.js';
import { errorMessage, useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';

type Status = inferRouterOutputs<AppRouter>['live']['status'];
const layouts = ['auto', 'speaker', 'grid', 'side-by-side', 'countdown'] as const;
const layoutLabels: Record<(typeof layouts)[number], string> = {
  auto: 'Auto (follow the stage)',
  speaker: 'speaker',
  grid: 'grid',
  'side-by-side': 'side-by-side',
  countdown: 'countdown',
};
const roleLabels = { clock: 'Clock participant', broadcast: 'Broadcast', playout: 'Playout' } as const;
const pollMs = 3000;

export interface LiveTalk {
  id: string;
  title: string;
  roomId: string | null;
  startsAt: Date;
  hasVideo: boolean;
}

export function LivePanel({
  conferenceId,
  talks,
  timeZone,
}: {
  conferenceId: string;
  talks: LiveTalk[];
  timeZone: string;
}) {
  const api = useAdminApi();
  const [status, setStatus] = useState<Status | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [choice, setChoice] = useState<Record<string, string>>({});
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function poll() {
      try {
        const next = await api.live.status.query({ conferenceId });
        if (!stopped) {
          setStatus(next);
          setError(null);
        }
      } catch (caught: unknown) {
        if (!stopped) setError(`status unavailable: ${errorMessage(caught)}`);
      }
      if (!stopped) timer = setTimeout(poll, pollMs);
    }
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, conferenceId]);

  async function act(key: string, action: () => Promise<unknown>) {
    setPending(key);
    setError(null);
    try {
      await action();
      setStatus(await api.live.status.query({ conferenceId }));
    } catch (caught: unknown) {
      setError(errorMessage(caught));
    } finally {
      setPending(null);
    }
  }

  if (!status) return <p className="meta">{error ?? 'Loading live status…'}</p>;
  return (
    <>
      <p className="meta" aria-live="polite">
        Updated {time.format(status.checkedAt)} · refreshes every {pollMs / 1000} s ·{' '}
        {status.workers.filter((w) => w.state === 'active').length} active workers
      </p>
      <FormError message={error} />
      <div className="admin-grid">
        {status.rooms.map((room) => {
          const roomTalks = talks.filter((t) => t.roomId === room.id);
          const selected = choice[room.id] ?? roomTalks.find((t) => t.hasVideo)?.id ?? '';
          return (
            <article key={room.id} className="card live-room" aria-label={`Live ${room.name}`} data-testid="live-room">
              <h3 className="room__name">{room.name}</h3>
              <label className="inline-field">
                Layout
                <select
                  value={room.layout}
                  disabled={pending !== null}
                  onChange={(e) =>
                    act(`${room.id}:layout`, () =>
                      api.live.setLayout.mutate({
                        roomId: room.id,
                        layout: e.target.value as (typeof layouts)[number],
                      }),
                    )
                  }
                >
                  {layouts.map((l) => (
                    <option key={l} value={l}>
                      {layoutLabels[l]}
                    </option>
                  ))}
                </select>
              </label>
              <label className="inline-field">
                Talk
                <select value={selected} onChange={(e) => setChoice({ ...choice, [room.id]: e.target.value })}>
                  <option value="">— none —</option>
                  {roomTalks.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.title}
                      {t.hasVideo ? ' (video)' : ''}
                    </option>
                  ))}
                </select>
              </label>
              <table className="admin-table live-table">
                <tbody>
                  {room.roles.map((role) => {
                    const state = role.state ?? role.job?.status ?? 'idle';
                    const running = role.state === 'running' || role.job !== null;
                    return (
                      <tr key={role.role} data-testid={`live-${role.role}`}>
                        <th>{roleLabels[role.role]}</th>
                        <td>
                          <span className={`state state--${state}`}>{state}</span>
                          {role.job?.status === 'queued' && role.state === null ? (
                            <span className="meta"> waiting for a worker</span>
                          ) : null}
                          {role.workerId ? <div className="meta">on {role.workerId}</div> : null}
                          {typeof role.stats.bitrateKbps === 'number' ? (
                            <div className="meta">{role.stats.bitrateKbps} kbit/s</div>
                          ) : null}
                          {typeof role.stats.participants === 'number' ? (
                            <div className="meta">{role.stats.participants} participants</div>
                          ) : null}
                          {role.lastError ? <div className="form-error">{role.lastError}</div> : null}
                        </td>
                        <td className="nowrap">
                          <button
                            className="button button--small"
                            type="button"
                            disabled={pending !== null}
                            onClick={() =>
                              act(`${room.id}:${role.role}`, () =>
                                api.live.start.mutate({ roomId: room.id, role: role.role, talkId: selected || null }),
                              )
                            }
                          >
                            Start
                          </button>{' '}
                          <button
                            className="button button--small button--danger"
                            type="button"
                            disabled={pending !== null || !running}
                            onClick={() =>
                              act(`${room.id}:${role.role}`, () =>
                                api.live.stop.mutate({ roomId: room.id, role: role.role }),
                              )
                            }
                          >
                            Stop
                          </button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
              {room.recentFailures.length > 0 ? (
                <details>
                  <summary>Last errors</summary>
                  <ul>
                    {room.recentFailures.map((f, i) => (
                      <li key={i} className="meta">
                        {time.format(f.at)} {f.role ?? ''}: {f.error}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
            </article>
          );
        })}
      </div>
      {status.workers.length > 0 ? (
        <section className="card">
          <h2>Workers</h2>
          <table className="admin-table">
            <tbody>
              {status.workers.map((w) => (
                <tr key={w.id}>
                  <td>{w.id}</td>
                  <td>{w.state}</td>
                  <td>
                    {(w.usedMillicores / 1000).toFixed(1)} / {(w.capacityMillicores / 1000).toFixed(1)} cores
                  </td>
                  <td className="meta">seen {time.format(w.lastSeenAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </>
  );
}

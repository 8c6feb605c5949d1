'use client';

import { useEffect, useState } from 'react';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '../../server/api/root.js';
import { errorMessage, useAdminApi } from './admin-api.js';
import { FormError } from './form-error.js';
import { formatPosition, playoutActionEnabled, type PlayoutAction } from './playout-view.js';

type Status = inferRouterOutputs<AppRouter>['live']['status'];
type RoomStatus = Status['rooms'][number];
type RoleStatus = RoomStatus['roles'][number];
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

/** Organizer controls of the running playout (offered by playoutActionEnabled for the reported state). */
const playoutButtons: { action: PlayoutAction; label: string; title: string }[] = [
  { action: 'startNow', label: 'Start now', title: 'Start the talk now (a short countdown first)' },
  { action: 'pause', label: 'Pause', title: 'Pause the talk (slate shows)' },
  { action: 'resume', label: 'Resume', title: 'Continue the paused talk where it stopped' },
  { action: 'skip', label: 'Skip', title: 'End the talk now (what follows it shows)' },
  { action: 'stop', label: 'Stop', title: 'Stop the talk (the playout stays in the room)' },
  { action: 'restart', label: 'Restart', title: 'Play the talk again from the beginning' },
];

const actionLabels = Object.fromEntries(playoutButtons.map((b) => [b.action, b.label])) as Record<
  PlayoutAction,
  string
>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

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
  /** The last failed action of a room (e.g. a playout command to a room without a running playout); stays until the next action. */
  const [actionError, setActionError] = useState<{ roomId: string; message: string } | null>(null);
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
    setActionError(null);
    try {
      await action();
      setStatus(await api.live.status.query({ conferenceId }));
    } catch (caught: unknown) {
      setActionError({ roomId: key.split(':')[0] ?? '', message: errorMessage(caught) });
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
              <FormError message={actionError?.roomId === room.id ? actionError.message : null} />
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
                          {role.role === 'playout' ? (
                            <PlayoutControls
                              room={room}
                              role={role}
                              disabled={pending !== null}
                              sending={
                                pending?.startsWith(`${room.id}:playout:`) ? (pending.split(':')[2] ?? null) : null
                              }
                              time={time}
                              onAction={(action) =>
                                act(`${room.id}:playout:${action}`, () =>
                                  api.live.playoutControl.mutate({ roomId: room.id, action }),
                                )
                              }
                            />
                          ) : null}
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

/** Talk, state, position and last command of a room's playout, with its controls (enabled by the reported state). */
function PlayoutControls({
  room,
  role,
  disabled,
  sending,
  time,
  onAction,
}: {
  room: RoomStatus;
  role: RoleStatus;
  disabled: boolean;
  sending: string | null;
  time: Intl.DateTimeFormat;
  onAction: (action: PlayoutAction) => void;
}) {
  const running = role.state === 'running';
  const playout = running ? str(role.stats.playout) : null;
  const talk = str(role.stats.talk);
  const position = num(role.stats.positionMs);
  const duration = num(role.stats.durationMs);
  const command = room.playoutCommand;
  return (
    <div className="playout-controls" data-testid="playout-controls">
      {running ? (
        <div className="meta" data-testid="playout-now">
          {talk ? <strong>{talk}</strong> : null} · <span data-testid="playout-state">{playout ?? 'joining'}</span>
          {position !== null ? (
            <>
              {' '}
              · <span data-testid="playout-position">{formatPosition(position)}</span>
              {duration !== null ? ` / ${formatPosition(duration)}` : ''}
            </>
          ) : null}
        </div>
      ) : (
        <div className="meta">Talk controls work while the playout runs.</div>
      )}
      <div role="group" aria-label={`Playback controls ${room.name}`}>
        {playoutButtons.map((b) => (
          <button
            key={b.action}
            className="button button--small"
            type="button"
            title={b.title}
            disabled={disabled || !running || !playoutActionEnabled(b.action, playout)}
            onClick={() => onAction(b.action)}
          >
            {sending === b.action ? `${b.label}…` : b.label}
          </button>
        ))}
      </div>
      {command ? (
        <div className="meta" data-testid="playout-last-command">
          Last command: {actionLabels[command.action]} ·{' '}
          <span
            className={`state state--${command.status === 'refused' || command.status === 'expired' ? 'failed' : command.status === 'applied' ? 'running' : 'queued'}`}
          >
            {command.status}
          </span>
          {command.status === 'pending' ? ' (waiting for the playout worker)' : ''}
          {command.status === 'applied' && command.playoutState
            ? ` → ${command.playoutState}${command.positionMs !== null ? ` at ${formatPosition(command.positionMs)}` : ''}`
            : ''}
          {command.result && command.status !== 'applied' ? `: ${command.result}` : ''} ·{' '}
          {time.format(command.issuedAt)}
          {command.issuedByName ? ` by ${command.issuedByName}` : ''}
        </div>
      ) : null}
    </div>
  );
}

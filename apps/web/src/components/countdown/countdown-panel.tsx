'use client';

import { useEffect, useState, type RefObject } from 'react';
import type { OffsetEstimate } from '../../lib/time-sync/clock-offset.js';
import type { ServerClock } from '../../lib/time-sync/server-clock.js';
import { msUntilNextSecond, referenceTime, type ReferenceTime } from '../../lib/time-sync/stream-clock.js';
import type { StreamClockHandle } from '../player/hls-player.js';
import { countdownView, type CountdownTalk, type CountdownView } from './countdown-view.js';

const clockFormats = new Map<string, Intl.DateTimeFormat>();
/** HH:mm in the conference zone (same on server and client, so no hydration mismatch). */
export function clockTime(epochMs: number, timeZone: string): string {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    clockFormats.set(timeZone, format);
  }
  return format.format(epochMs);
}

interface Snapshot {
  reference: ReferenceTime;
  view: CountdownView;
  estimate: OffsetEstimate | null;
}

export interface CountdownPanelProps {
  talks: CountdownTalk[];
  timeZone: string;
  serverClock: ServerClock | null;
  streamClock: RefObject<StreamClockHandle | null>;
}

/**
 * The page countdown: HH:MM:SS to the next talk in this room, re-rendered on every second boundary of the reference
 * clock — the wall time of the frame on screen while the stream plays (so it agrees with the countdown in the video),
 * else the synced server clock.
 */
export function CountdownPanel({ talks, timeZone, serverClock, streamClock }: CountdownPanelProps) {
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const tick = () => {
      const reference = referenceTime({
        frameWallMs: streamClock.current?.frameWallTimeMs() ?? null,
        serverNowMs: serverClock?.now() ?? null,
        localNowMs: Date.now(),
      });
      setSnapshot({ reference, view: countdownView(talks, reference.atMs), estimate: serverClock?.estimate ?? null });
      timer = setTimeout(tick, msUntilNextSecond(reference.atMs));
    };
    tick();
    // A fresh offset (first sync, re-sync) applies at once rather than at the next second boundary.
    const unsubscribe = serverClock?.onChange(() => {
      if (timer) clearTimeout(timer);
      tick();
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe?.();
    };
  }, [talks, serverClock, streamClock]);

  const view = snapshot?.view ?? null;
  const target = view?.target ?? null;
  const source = snapshot?.reference.source ?? 'local';
  const delayMs = snapshot?.reference.videoDelayMs ?? null;
  return (
    <div
      className="card countdown"
      data-testid="countdown"
      data-clock-source={source}
      data-offset-ms={snapshot?.estimate ? snapshot.estimate.offsetMs.toFixed(1) : undefined}
      data-uncertainty-ms={snapshot?.estimate ? snapshot.estimate.uncertaintyMs.toFixed(1) : undefined}
      data-reference-ms={snapshot ? Math.round(snapshot.reference.atMs) : undefined}
    >
      <p className="countdown__label">{view?.kind === 'starting' ? 'Now' : 'Next talk in'}</p>
      <p
        className={view?.kind === 'starting' ? 'countdown__digits countdown__digits--starting' : 'countdown__digits'}
        data-testid="countdown-display"
        aria-live="off"
      >
        {view?.display ?? '--:--:--'}
      </p>
      {target ? (
        <>
          <p className="countdown__talk" data-testid="countdown-talk">
            {target.title}
          </p>
          <p className="countdown__meta">
            {target.speakers.length > 0 ? `${target.speakers.join(', ')} · ` : ''}
            {clockTime(target.startMs, timeZone)} ({timeZone})
          </p>
        </>
      ) : null}
      <p className="countdown__meta" data-testid="countdown-source">
        {source === 'stream'
          ? `In step with the video${delayMs === null ? '' : ` (${(delayMs / 1000).toFixed(1)} s behind real time)`}`
          : source === 'server'
            ? 'Server time'
            : 'Syncing clock…'}
      </p>
    </div>
  );
}

/** "Now" and "Next" of the room, as of the same reference clock (server-rendered from the request time first). */
export function NowNext({ view, timeZone }: { view: Pick<CountdownView, 'now' | 'next'>; timeZone: string }) {
  const row = (label: string, talk: CountdownTalk | null, testId: string) => (
    <li data-testid={testId}>
      <span className="now-next__label">{label}</span>
      {talk ? (
        <>
          <span className="talk__title">{talk.title}</span>
          <span className="countdown__meta">
            {' '}
            {clockTime(talk.startMs, timeZone)}–{clockTime(talk.startMs + talk.durationSeconds * 1000, timeZone)}
            {talk.speakers.length > 0 ? ` · ${talk.speakers.join(', ')}` : ''}
          </span>
        </>
      ) : (
        <span className="empty">Nothing scheduled</span>
      )}
    </li>
  );
  return (
    <ul className="now-next">
      {row('Now', view.now, 'now-talk')}
      {row('Next', view.next, 'next-talk')}
    </ul>
  );
}

'use client';

import { useEffect, useRef, useState } from 'react';
import { ServerClock } from '../../lib/time-sync/server-clock.js';
import { CountdownPanel, NowNext } from '../countdown/countdown-panel.js';
import { countdownView, type CountdownTalk } from '../countdown/countdown-view.js';
import { HlsPlayer, type StreamClockHandle } from './hls-player.js';

export interface WatchViewProps {
  title: string;
  hlsUrl: string | null;
  talks: CountdownTalk[];
  timeZone: string;
  /** Request time on the server, so the first render of now/next matches between server and browser. */
  renderedAtMs: number;
}

/** The interactive part of /watch/<slug>: player, countdown and now/next, sharing one server clock. */
export function WatchView({ title, hlsUrl, talks, timeZone, renderedAtMs }: WatchViewProps) {
  const streamClock = useRef<StreamClockHandle | null>(null);
  const [serverClock, setServerClock] = useState<ServerClock | null>(null);
  const [nowNext, setNowNext] = useState(() => countdownView(talks, renderedAtMs));

  useEffect(() => {
    const clock = new ServerClock();
    setServerClock(clock);
    clock.start();
    return () => clock.close();
  }, []);

  // now/next change at most every few minutes; re-evaluate every 5 s on the server clock.
  useEffect(() => {
    const update = () => setNowNext(countdownView(talks, serverClock?.now() ?? Date.now()));
    update();
    const timer = setInterval(update, 5000);
    return () => clearInterval(timer);
  }, [talks, serverClock]);

  return (
    <div className="watch">
      <HlsPlayer src={hlsUrl} title={title} clockRef={streamClock} />
      <aside>
        <CountdownPanel talks={talks} timeZone={timeZone} serverClock={serverClock} streamClock={streamClock} />
        <div className="card">
          <NowNext view={nowNext} timeZone={timeZone} />
        </div>
      </aside>
    </div>
  );
}

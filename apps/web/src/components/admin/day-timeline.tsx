import { clockTime, dayKey, dayLabel } from '../../server/api/routers/conference/schedule-view.js';

interface TimelineTalk {
  id: string;
  title: string;
  speakers: string[];
  roomId: string | null;
  startsAt: Date;
  durationSeconds: number;
  hasVideo: boolean;
}

interface TimelineRoom {
  id: string;
  name: string;
}

/** Minutes since local midnight of `instant` in `timeZone`. */
function minuteOfDay(instant: Date, timeZone: string): number {
  const [h, m] = clockTime(instant, timeZone).split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

const pxPerMinute = 2.2;

/**
 * One column per room and a shared time axis per day (conference time zone). Talks that cross midnight are drawn to
 * the end of their start day. Server-rendered: no client code.
 */
export function DayTimeline({
  rooms,
  talks,
  timeZone,
}: {
  rooms: TimelineRoom[];
  talks: TimelineTalk[];
  timeZone: string;
}) {
  const days = [...new Set(talks.map((t) => dayKey(t.startsAt, timeZone)))].sort();
  if (days.length === 0) return <p className="empty">No talks yet: import a schedule or add talks.</p>;
  const columns = [...rooms, ...(talks.some((t) => t.roomId === null) ? [{ id: '', name: 'No room' }] : [])];
  return (
    <div className="timeline-days">
      {days.map((day) => {
        const dayTalks = talks.filter((t) => dayKey(t.startsAt, timeZone) === day);
        const starts = dayTalks.map((t) => minuteOfDay(t.startsAt, timeZone));
        const ends = dayTalks.map((t, i) => Math.min(24 * 60, (starts[i] ?? 0) + Math.ceil(t.durationSeconds / 60)));
        const first = Math.floor(Math.min(...starts) / 60) * 60;
        const last = Math.ceil(Math.max(...ends) / 60) * 60;
        const hours = Array.from({ length: (last - first) / 60 + 1 }, (_, i) => first + i * 60);
        const height = (last - first) * pxPerMinute;
        return (
          <section
            key={day}
            className="timeline card"
            aria-label={`Timeline ${dayLabel(day)}`}
            data-testid="timeline-day"
          >
            <h2 className="day-heading">{dayLabel(day)}</h2>
            <div
              className="timeline__grid"
              style={{ gridTemplateColumns: `56px repeat(${columns.length}, minmax(160px, 1fr))` }}
            >
              <div />
              {columns.map((room) => (
                <div key={room.id || 'none'} className="timeline__room">
                  {room.name}
                </div>
              ))}
              <div className="timeline__axis" style={{ height }}>
                {hours.map((minute) => (
                  <span key={minute} style={{ top: (minute - first) * pxPerMinute }}>
                    {String(Math.floor(minute / 60) % 24).padStart(2, '0')}:00
                  </span>
                ))}
              </div>
              {columns.map((room) => (
                <div
                  key={room.id || 'none'}
                  className="timeline__column"
                  style={{ height }}
                  role="list"
                  aria-label={room.name}
                >
                  {dayTalks
                    .filter((t) => (t.roomId ?? '') === room.id)
                    .map((talk) => {
                      const start = minuteOfDay(talk.startsAt, timeZone);
                      const minutes = Math.max(10, Math.min(24 * 60 - start, Math.ceil(talk.durationSeconds / 60)));
                      const end = new Date(talk.startsAt.getTime() + talk.durationSeconds * 1000);
                      return (
                        <div
                          key={talk.id}
                          role="listitem"
                          className="timeline__talk"
                          data-testid="timeline-talk"
                          style={{ top: (start - first) * pxPerMinute, height: minutes * pxPerMinute - 2 }}
                          title={`${talk.title} (${clockTime(talk.startsAt, timeZone)}–${clockTime(end, timeZone)})`}
                        >
                          <span className="timeline__time">
                            {clockTime(talk.startsAt, timeZone)}–{clockTime(end, timeZone)}
                            {talk.hasVideo ? ' · ▶ video' : ''}
                          </span>
                          <strong>{talk.title}</strong>
                          {talk.speakers.length > 0 ? (
                            <span className="timeline__speakers">{talk.speakers.join(', ')}</span>
                          ) : null}
                        </div>
                      );
                    })}
                </div>
              ))}
            </div>
          </section>
        );
      })}
    </div>
  );
}

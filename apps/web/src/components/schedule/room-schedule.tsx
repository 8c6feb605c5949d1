import type { RoomScheduleView, TalkView } from '../../server/api/routers/conference/views.schema.js';

export function TalkList({ talks }: { talks: TalkView[] }) {
  if (talks.length === 0) return <p className="empty">No talks scheduled.</p>;
  return (
    <ol className="talks">
      {talks.map((talk) => (
        <li key={talk.id} className={talk.isLive ? 'talk talk--live' : 'talk'} data-testid="talk">
          <span className="talk__time">
            {talk.start}–{talk.end}
            {talk.isLive ? <span className="badge badge--live talk__live">Live</span> : null}
          </span>
          <div>
            <p className="talk__title">{talk.title}</p>
            {talk.speakers.length > 0 ? <p className="talk__speakers">{talk.speakers.join(', ')}</p> : null}
          </div>
        </li>
      ))}
    </ol>
  );
}

export function RoomGrid({ rooms, unassigned }: { rooms: RoomScheduleView[]; unassigned: TalkView[] }) {
  return (
    <div className="rooms">
      {rooms.map((room) => (
        <section key={room.slug} className="room" aria-label={room.name}>
          <h3 className="room__name">
            <span className="room__dot" aria-hidden />
            {room.name}
          </h3>
          <TalkList talks={room.talks} />
        </section>
      ))}
      {unassigned.length > 0 ? (
        <section className="room" aria-label="Room to be announced">
          <h3 className="room__name">Room to be announced</h3>
          <TalkList talks={unassigned} />
        </section>
      ) : null}
    </div>
  );
}

export function PhaseBadge({ phase }: { phase: 'upcoming' | 'live' | 'past' }) {
  const className = phase === 'live' ? 'badge badge--live' : phase === 'past' ? 'badge badge--past' : 'badge';
  const label = phase === 'live' ? 'On now' : phase === 'past' ? 'Ended' : 'Upcoming';
  return <span className={className}>{label}</span>;
}

/** "27–29 December 2025" style range for YYYY-MM-DD dates. */
export function formatDateRange(startsOn: string, endsOn: string): string {
  const format = (day: string, options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', ...options }).format(new Date(`${day}T12:00:00Z`));
  if (startsOn === endsOn) return format(startsOn, { day: 'numeric', month: 'long', year: 'numeric' });
  const sameMonth = startsOn.slice(0, 7) === endsOn.slice(0, 7);
  const start = format(startsOn, sameMonth ? { day: 'numeric' } : { day: 'numeric', month: 'long' });
  return `${start}–${format(endsOn, { day: 'numeric', month: 'long', year: 'numeric' })}`;
}

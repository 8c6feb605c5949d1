import Link from 'next/link';
import { formatDateRange, PhaseBadge, RoomGrid } from '../components/schedule/room-schedule.js';
import { serverApi } from '../trpc/server.js';

// Reads the database on every request; never prerendered at build time.
export const dynamic = 'force-dynamic';

export default async function HomePage() {
  const { conferences } = await serverApi().conference.list();
  return (
    <>
      <section className="hero">
        <h1>Conferences</h1>
        <p>Rooms and today&apos;s talks for every conference on this Stagecast instance.</p>
      </section>
      {conferences.length === 0 ? (
        <div className="card">
          <p className="empty">No conferences yet. Run the demo seed or import a schedule.</p>
        </div>
      ) : null}
      {conferences.map((conference) => (
        <article key={conference.slug} className="card" data-testid="conference-card">
          <div className="card__head">
            <h2 className="card__title">
              <Link href={`/conferences/${conference.slug}`}>{conference.name}</Link>{' '}
              <PhaseBadge phase={conference.phase} />
            </h2>
            <span className="meta">
              {formatDateRange(conference.startsOn, conference.endsOn)} · {conference.rooms.length} rooms ·{' '}
              {conference.talkCount} talks · {conference.timeZone}
            </span>
          </div>
          {conference.featured ? (
            <>
              <h3 className="day-heading">
                {conference.featured.isToday ? 'Today' : 'Next up'} · {conference.featured.label}
              </h3>
              <RoomGrid rooms={conference.featured.rooms} unassigned={conference.featured.unassigned} />
            </>
          ) : (
            <p className="empty">No talks scheduled yet.</p>
          )}
          <p className="card__foot">
            <Link href={`/conferences/${conference.slug}`}>Full schedule →</Link>
          </p>
        </article>
      ))}
    </>
  );
}

import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { TRPCError } from '@trpc/server';
import { formatDateRange, PhaseBadge, RoomGrid } from '../../../components/schedule/room-schedule.js';
import { serverApi } from '../../../trpc/server.js';

export const dynamic = 'force-dynamic';

type Params = Promise<{ slug: string }>;

// cache(): generateMetadata and the page share one query per request.
const load = cache(async (slug: string) => {
  try {
    return await serverApi().conference.bySlug({ slug });
  } catch (error: unknown) {
    // Unknown or malformed slugs are a 404 for a page, not a server error.
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const conference = await load((await params).slug);
  return { title: conference.name };
}

export default async function ConferencePage({ params }: { params: Params }) {
  const conference = await load((await params).slug);
  return (
    <>
      <section className="hero">
        <h1>
          {conference.name} <PhaseBadge phase={conference.phase} />
        </h1>
        <p>
          {formatDateRange(conference.startsOn, conference.endsOn)} ·{' '}
          {conference.rooms.map((room) => room.name).join(', ')}
          {' · '}times in {conference.timeZone}
        </p>
      </section>
      {conference.days.length === 0 ? (
        <div className="card">
          <p className="empty">No talks scheduled yet.</p>
        </div>
      ) : null}
      {conference.days.map((day) => (
        <section key={day.date} className="card schedule-day" aria-label={day.label}>
          <h2>{day.label}</h2>
          <RoomGrid rooms={day.rooms} unassigned={day.unassigned} />
        </section>
      ))}
    </>
  );
}

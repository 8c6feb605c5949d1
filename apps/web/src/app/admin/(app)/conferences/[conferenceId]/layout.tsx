import Link from 'next/link';
import type { ReactNode } from 'react';
import { orNotFound, requireAdminSession } from '../../../../../server/auth/rsc.js';

export default async function ConferenceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ conferenceId: string }>;
}) {
  const { conferenceId } = await params;
  const { api } = await requireAdminSession();
  const conference = await orNotFound(api.adminConference.get({ conferenceId }));
  const base = `/admin/conferences/${conferenceId}`;
  return (
    <>
      <div className="admin-head">
        <div>
          <p className="meta">
            <Link href="/admin">Conferences</Link> /
          </p>
          <h1>{conference.name}</h1>
          <p className="meta">
            {conference.startsOn} – {conference.endsOn} · times in {conference.timeZone}
          </p>
        </div>
      </div>
      <nav className="admin-tabs" aria-label="Conference">
        <Link href={base}>Timeline</Link>
        <Link href={`${base}/talks`}>Talks</Link>
        <Link href={`${base}/rooms`}>Rooms</Link>
        <Link href={`${base}/import`}>Import schedule</Link>
        <Link href={`${base}/live`}>Live control</Link>
        <Link href={`${base}/settings`}>Settings</Link>
      </nav>
      {children}
    </>
  );
}

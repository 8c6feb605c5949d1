import type { Metadata } from 'next';
import Link from 'next/link';
import { ConferenceCreateForm } from '../../../components/admin/conference-create-form.js';
import { requireAdminSession } from '../../../server/auth/rsc.js';

export const metadata: Metadata = { title: 'Admin' };

export default async function AdminHome() {
  const { auth, api } = await requireAdminSession();
  const { conferences } = await api.adminConference.list();
  return (
    <>
      <div className="admin-head">
        <h1>Conferences</h1>
        {auth.user.isAdmin ? <ConferenceCreateForm /> : null}
      </div>
      {conferences.length === 0 ? (
        <p className="empty">
          {auth.user.isAdmin ? 'No conferences yet: create one.' : 'You organize no conference yet; ask an admin.'}
        </p>
      ) : (
        <ul className="admin-list">
          {conferences.map((c) => (
            <li key={c.id} className="card admin-list__item">
              <Link href={`/admin/conferences/${c.id}`} className="admin-list__title">
                {c.name}
              </Link>
              <span className="meta">
                {c.startsOn} – {c.endsOn} · {c.timeZone} · {c.roomCount} rooms · {c.talkCount} talks
              </span>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

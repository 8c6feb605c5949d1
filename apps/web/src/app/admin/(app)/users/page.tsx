import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { UsersPanel } from '../../../../components/admin/users-panel.js';
import { requireAdminSession } from '../../../../server/auth/rsc.js';

export const metadata: Metadata = { title: 'Users' };

export default async function UsersPage() {
  const { auth, api } = await requireAdminSession();
  if (!auth.user.isAdmin) notFound();
  const [{ users }, { conferences }] = await Promise.all([api.user.list(), api.adminConference.list()]);
  return (
    <>
      <h1>Users</h1>
      <UsersPanel
        users={users}
        conferences={conferences.map((c) => ({ id: c.id, name: c.name }))}
        selfId={auth.user.id}
      />
    </>
  );
}

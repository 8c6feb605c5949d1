import Link from 'next/link';
import type { ReactNode } from 'react';
import { AdminProvider } from '../../../components/admin/admin-api.js';
import { SignOutButton } from '../../../components/admin/sign-out-button.js';
import { requireAdminSession } from '../../../server/auth/rsc.js';
import '../../../components/admin/admin.css';

export const dynamic = 'force-dynamic';

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const { auth } = await requireAdminSession();
  return (
    <AdminProvider csrfToken={auth.kind === 'session' ? auth.csrfToken : ''}>
      <div className="admin-bar">
        <nav className="admin-nav" aria-label="Admin">
          <Link href="/admin">Conferences</Link>
          <Link href="/admin/tokens">API tokens</Link>
          {auth.user.isAdmin ? <Link href="/admin/users">Users</Link> : null}
        </nav>
        <div className="admin-bar__user">
          <span data-testid="signed-in-as">
            {auth.user.name} · {auth.user.isAdmin ? 'admin' : 'organizer'}
          </span>
          <SignOutButton />
        </div>
      </div>
      {children}
    </AdminProvider>
  );
}

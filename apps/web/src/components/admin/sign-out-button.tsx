'use client';

import { useRouter } from 'next/navigation';
import { useAdminApi } from './admin-api.js';

export function SignOutButton() {
  const api = useAdminApi();
  const router = useRouter();
  return (
    <button
      className="button button--ghost"
      type="button"
      onClick={async () => {
        await api.auth.signOut.mutate().catch(() => {});
        router.replace('/admin/sign-in');
        router.refresh();
      }}
    >
      Sign out
    </button>
  );
}

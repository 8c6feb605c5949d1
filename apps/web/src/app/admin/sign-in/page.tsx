import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '../../../components/admin/sign-in-form.js';
import { currentAuth } from '../../../server/auth/rsc.js';
import '../../../components/admin/admin.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Organizer sign-in', robots: { index: false } };

export default async function SignInPage() {
  if ((await currentAuth()).kind !== 'anonymous') redirect('/admin');
  return (
    <div className="admin-narrow">
      <h1>Organizer sign-in</h1>
      <p className="meta">Sign in to plan conferences, import schedules and run the stages.</p>
      <SignInForm />
    </div>
  );
}

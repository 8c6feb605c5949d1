import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Stagecast', template: '%s · Stagecast' },
  description: 'Conference rooms, talk schedules and live streams.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <div className="site-header__inner">
            <Link href="/" className="brand">
              <span className="brand__mark" aria-hidden>
                ▶
              </span>
              Stagecast
            </Link>
            <nav className="site-nav" aria-label="Main">
              <Link href="/">Conferences</Link>
              <Link href="/health">Status</Link>
              <Link href="/admin">Organizers</Link>
            </nav>
          </div>
        </header>
        <main>{children}</main>
        <footer className="site-footer">Stagecast · times are shown in each conference&apos;s own time zone</footer>
      </body>
    </html>
  );
}

'use client';

import Link from 'next/link';

/** Shown when a page fails on the server (e.g. the database is down); details stay in the server log. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="card" role="alert">
      <h1 className="card__title">This page could not be loaded</h1>
      <p className="empty">
        The server hit an error{error.digest ? ` (reference ${error.digest})` : ''}. If it persists, check the{' '}
        <Link href="/health">status page</Link>.
      </p>
      <p>
        <button type="button" className="button" onClick={reset}>
          Try again
        </button>
      </p>
    </div>
  );
}

import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="card">
      <h1 className="card__title">Not found</h1>
      <p className="empty">There is no such page or conference.</p>
      <p>
        <Link href="/">Back to all conferences</Link>
      </p>
    </div>
  );
}

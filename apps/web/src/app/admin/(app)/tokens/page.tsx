import type { Metadata } from 'next';
import { TokensPanel } from '../../../../components/admin/tokens-panel.js';
import { requireAdminSession } from '../../../../server/auth/rsc.js';

export const metadata: Metadata = { title: 'API tokens' };

export default async function TokensPage() {
  const { api } = await requireAdminSession();
  const { tokens } = await api.apiToken.list();
  return (
    <>
      <h1>API tokens</h1>
      <p className="meta">
        Tokens let other programs use the tRPC API as you (same roles). See the README of apps/web for the typed client.
      </p>
      <TokensPanel tokens={tokens} />
    </>
  );
}

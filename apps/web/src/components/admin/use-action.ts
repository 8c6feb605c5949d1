'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { errorMessage } from './admin-api.js';

/** Runs a mutation with busy/error state; on success refreshes the server-rendered page data. */
export function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run<T>(action: () => Promise<T>, options: { refresh?: boolean } = {}): Promise<T | undefined> {
    setBusy(true);
    setError(null);
    try {
      const result = await action();
      if (options.refresh !== false) router.refresh();
      return result;
    } catch (caught: unknown) {
      setError(errorMessage(caught));
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}

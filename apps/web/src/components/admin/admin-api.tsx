'use client';

import { createTRPCClient, httpLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import superjson from 'superjson';
import type { AppRouter } from '../../server/api/root.js';

const CsrfContext = createContext<string>('');

/** Holds the session's CSRF token (rendered by the admin layout) for every mutation this page sends. */
export function AdminProvider({ csrfToken, children }: { csrfToken: string; children: ReactNode }) {
  return <CsrfContext.Provider value={csrfToken}>{children}</CsrfContext.Provider>;
}

export function useCsrfToken(): string {
  return useContext(CsrfContext);
}

export function createAdminClient(csrfToken: string): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: '/api/trpc',
        transformer: superjson,
        headers: () => (csrfToken ? { 'x-csrf-token': csrfToken } : {}),
      }),
    ],
  });
}

/** Typed tRPC client for admin client components (session cookie + x-csrf-token). */
export function useAdminApi(): TRPCClient<AppRouter> {
  const csrf = useCsrfToken();
  return useMemo(() => createAdminClient(csrf), [csrf]);
}

/** A readable message for a failed call, including zod field errors ("title: enter a title"). */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | undefined;
    const fields = Object.entries(data?.zodError?.fieldErrors ?? {})
      .filter(([, messages]) => messages && messages.length > 0)
      .map(([field, messages]) => `${field}: ${messages?.join(', ')}`);
    if (fields.length > 0) return fields.join('; ');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

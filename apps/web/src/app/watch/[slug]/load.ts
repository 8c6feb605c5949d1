import { TRPCError } from '@trpc/server';
import { notFound } from 'next/navigation';
import { headers } from 'next/headers';
import { cache } from 'react';
import type { CountdownTalk } from '../../../components/countdown/countdown-view.js';
import { serverEnv } from '../../../env.js';
import { serverApi } from '../../../trpc/server.js';

/** One room's public data for /watch and /embed; cache(): metadata and page share one query per request. */
export const loadWatchRoom = cache(async (slug: string) => {
  try {
    return await serverApi().watch.room({ slug });
  } catch (error: unknown) {
    // Unknown or malformed slugs are a 404 page, not a server error.
    if (error instanceof TRPCError && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) notFound();
    throw error;
  }
});

/** Plain, serialisable talks for the client components. */
export function countdownTalks(talks: Awaited<ReturnType<typeof loadWatchRoom>>['talks']): CountdownTalk[] {
  return talks.map((talk) => ({
    guid: talk.guid,
    title: talk.title,
    speakers: talk.speakers,
    startMs: talk.startsAt.getTime(),
    durationSeconds: talk.durationSeconds,
  }));
}

/** Absolute origin for embed snippets: PUBLIC_BASE_URL when set, else the request's own host. */
export async function publicOrigin(): Promise<string> {
  const configured = serverEnv().PUBLIC_BASE_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost';
  const proto = h.get('x-forwarded-proto') ?? 'http';
  return `${proto.split(',')[0]!.trim()}://${host.split(',')[0]!.trim()}`;
}

import type { Metadata } from 'next';
import { HlsPlayer } from '../../../components/player/hls-player.js';
import { loadWatchRoom } from '../../watch/[slug]/load.js';

export const dynamic = 'force-dynamic';

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const room = await loadWatchRoom((await params).slug);
  return { title: `${room.room.name} live · ${room.conference.name}` };
}

/** Minimal player for <iframe> embeds: the video and its controls, nothing else (player.css hides the site chrome). */
export default async function EmbedPage({ params }: { params: Params }) {
  const data = await loadWatchRoom((await params).slug);
  return (
    <div className="embed-root">
      <HlsPlayer src={data.hlsUrl} title={`${data.room.name} · ${data.conference.name}`} compact />
    </div>
  );
}

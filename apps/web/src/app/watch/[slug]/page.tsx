import type { Metadata } from 'next';
import Link from 'next/link';
import { embedSnippet } from '../../../components/player/live-edge.js';
import { WatchView } from '../../../components/player/watch-view.js';
import { countdownTalks, loadWatchRoom, publicOrigin } from './load.js';

export const dynamic = 'force-dynamic';

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const room = await loadWatchRoom((await params).slug);
  return { title: `${room.room.name} live · ${room.conference.name}` };
}

/** Public player page of one room's broadcast: video, countdown to the next talk, now/next, ways to watch elsewhere. */
export default async function WatchPage({ params }: { params: Params }) {
  const { slug } = await params;
  const data = await loadWatchRoom(slug);
  const origin = await publicOrigin();
  const title = `${data.room.name} · ${data.conference.name}`;
  const embedUrl = `${origin}/embed/${data.room.publicSlug}`;
  return (
    <>
      <section className="hero">
        <h1>{data.room.name}</h1>
        <p>
          <Link href={`/conferences/${data.conference.slug}`}>{data.conference.name}</Link> · live stream · times in{' '}
          {data.conference.timeZone}
        </p>
      </section>
      <WatchView
        title={title}
        hlsUrl={data.hlsUrl}
        talks={countdownTalks(data.talks)}
        timeZone={data.conference.timeZone}
        renderedAtMs={Date.now()}
      />
      {data.hlsUrl ? (
        <section className="card watch-links" aria-label="Watch elsewhere">
          <div>
            <h3>Any media player</h3>
            <p className="meta">Open this URL in VLC (Media → Open Network Stream), mpv, ffplay or a smart TV app:</p>
            <code className="block" data-testid="hls-url">
              {data.hlsUrl}
            </code>
          </div>
          <div>
            <h3>Embed on your site</h3>
            <pre data-testid="embed-snippet">{embedSnippet(embedUrl, title)}</pre>
          </div>
        </section>
      ) : null}
    </>
  );
}

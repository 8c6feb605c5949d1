// `bash scripts/demo.sh --check`: the watch page's HLS URL (from the public API, as the page gets it) must serve a live
// playlist whose newest segment carries a PROGRAM-DATE-TIME from this run (RFC 8216 §4.3.2.6), and that segment must
// download. Usage: node scripts/demo-check-stream.mjs <web-url> <room public slug> <timeout seconds>
const [webUrl, slug, timeoutArg] = process.argv.slice(2);
if (!webUrl || !slug) {
  console.error('usage: node scripts/demo-check-stream.mjs <web-url> <room public slug> [timeout seconds]');
  process.exit(64);
}
const since = Date.now();
const deadline = since + Number(timeoutArg ?? 300) * 1000;
const input = encodeURIComponent(JSON.stringify({ json: { slug } }));
const api = await (await fetch(`${webUrl}/api/trpc/watch.room?input=${input}`)).json();
const hlsUrl = api?.result?.data?.json?.hlsUrl;
if (!hlsUrl) {
  console.error(`watch.room(${slug}) has no hlsUrl: ${JSON.stringify(api).slice(0, 300)}`);
  process.exit(1);
}
const page = await (await fetch(`${webUrl}/watch/${slug}`)).text();
if (!page.includes(hlsUrl)) {
  console.error(`the watch page ${webUrl}/watch/${slug} does not show ${hlsUrl}`);
  process.exit(1);
}
let last = 'no answer yet';
while (Date.now() < deadline) {
  try {
    const res = await fetch(hlsUrl, { cache: 'no-store' });
    const text = res.ok ? await res.text() : '';
    last = res.ok ? text.trim().split('\n').slice(-4).join(' | ') : `HTTP ${res.status}`;
    const pdts = [...text.matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => Date.parse(m[1]));
    const uris = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    // Fresh: written by this run (not the ENDLIST-ed playlist of an earlier one).
    const fresh = pdts.length >= 2 && pdts.at(-1) > since - 60_000 && !text.includes('#EXT-X-ENDLIST');
    if (fresh && uris.length >= 2) {
      const segment = await fetch(new URL(uris.at(-1).trim(), hlsUrl));
      const bytes = segment.ok ? (await segment.arrayBuffer()).byteLength : 0;
      if (bytes > 0) {
        console.error(
          `stream ok: ${hlsUrl}: ${uris.length} segments, newest PROGRAM-DATE-TIME ${new Date(pdts.at(-1)).toISOString()}, ` +
            `last segment ${bytes} bytes, after ${Math.round((Date.now() - since) / 1000)} s`,
        );
        process.exit(0);
      }
    }
  } catch (error) {
    last = String(error);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}
console.error(
  `no fresh segments with PROGRAM-DATE-TIME at ${hlsUrl} within ${timeoutArg ?? 300} s; last playlist: ${last}`,
);
process.exit(1);

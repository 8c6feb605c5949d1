// Child process for gi-leaks.integration.test.ts (run with --expose-gc): how much the main thread's malloc heap grows
// per call of the engine's structure/name helpers, against the leaking node-gtk calls they replace. CommonJS like the
// engine entry (docs/media-engine.md §4.1). Prints one JSON line.
import fs = require('node:fs');
import gi = require('../engine/gi.js');

const { Gst, objectNames, structDoubles, structNumbers } = gi;
const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** RSS of the [heap] mapping (brk): where the JS thread's mallocs land; V8's own heap is in other mappings. */
function brkHeapMB(): number {
  const smaps = fs.readFileSync('/proc/self/smaps', 'utf8');
  const at = smaps.indexOf('[heap]');
  if (at < 0) return 0;
  return Number(/Rss:\s+(\d+)/.exec(smaps.slice(at))?.[1] ?? 0) / 1024;
}

const p = Gst.parseLaunch(
  'audiotestsrc num-buffers=20 ! audio/x-raw,rate=48000,channels=2 ! level name=lvl interval=10000000 post-messages=true ! fakesink name=sink',
);
p.setState(Gst.State.PLAYING);
const msg = p.getBus().timedPopFiltered(5_000_000_000, Gst.MessageType.ELEMENT);
if (!msg) throw new Error('no level message within 5 s');
// An owned copy: the message's own structure dies with the message wrapper.
const level = msg.getStructure().copy();
const sink = p.getByName('sink');

const cases: Record<string, () => unknown> = {
  structNumbers: () => structNumbers(sink.stats),
  structDoubles: () => structDoubles(level, 'rms'),
  objectNames: () => objectNames(sink),
  // Controls: the transfer-full calls the helpers replace (they must show up, or the probe measures nothing).
  getPathString: () => sink.getPathString(),
  structToString: () => level.toString(),
};
// The last two arguments (with `node -e`, process.argv has no script path, so fixed indexes would be off by one).
const [firstArg, moreArg] = process.argv.slice(-2);
const first = Number(firstArg);
const more = Number(moreArg);
if (!(first > 0 && more > 0)) throw new Error('usage: gi-leak-probe <first calls> <more calls>');
const out: Record<string, { sample: unknown; firstMB: number; moreMB: number }> = {};
for (const [name, f] of Object.entries(cases)) {
  let sample: unknown;
  for (let i = 0; i < 2_000; i++) sample = f();
  gc();
  gc();
  const b0 = brkHeapMB();
  for (let i = 0; i < first; i++) f();
  gc();
  gc();
  const b1 = brkHeapMB();
  for (let i = 0; i < more; i++) f();
  gc();
  gc();
  const b2 = brkHeapMB();
  // Growth over the first batch may be allocator warm-up; a leak keeps growing with the second.
  out[name] = { sample, firstMB: b1 - b0, moreMB: b2 - b1 };
}
p.setState(Gst.State.NULL);
console.log(JSON.stringify(out));
process.exit(0);

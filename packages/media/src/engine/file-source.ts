/**
 * File sources with looping and real-time pacing, inside a live pipeline.
 *
 * Looping (seamless): one `concat` per media; each play-through of the file is its own `uridecodebin3` whose pads
 * link to fresh concat request pads. While iteration k plays, iteration k+1 is already added and prerolled (concat
 * blocks its non-active pads), so the switch at EOS costs no file open/demux/decoder start; concat (adjust-base)
 * shifts each new segment so running time continues without a gap. When both concats have switched to k+1, the
 * finished decoder is released and k+2 is added. JS runs once per pad and per switch, never per buffer.
 *
 * Pacing: a file is not live. The send bin joins a pipeline that has been PLAYING for a while, so the file's
 * running time (starting at 0) would lie in the past and clocksync would let it through at full speed. An offset of
 * the pipeline's current running time on the concat outputs puts the first frame at "now"; clocksync then paces
 * the file at real time.
 */
import { FILE_CONCAT } from './file-source-names.js';
import { Gst, type GObj } from './gi.js';

interface Iteration {
  n: number;
  dec: GObj;
  pads: Map<'audio' | 'video', GObj>; // concat sink pads of this iteration
  handlers: number[];
}

export class FileSource {
  readonly #bin: GObj;
  readonly #uri: string;
  readonly #loop: boolean;
  readonly #concats = new Map<'audio' | 'video', GObj>();
  readonly #iterations: Iteration[] = [];
  readonly #signals: [GObj, number][] = [];
  readonly #onError: (message: string) => void;
  #n = 0;
  #closed = false;

  /** `bin` holds concat elements named FILE_CONCAT.video/.audio (see builders/send.ts sourceDescription). */
  constructor(bin: GObj, uri: string, loop: boolean, onError: (message: string) => void) {
    this.#bin = bin;
    this.#uri = uri;
    this.#loop = loop;
    this.#onError = onError;
    for (const media of ['video', 'audio'] as const) {
      const c = bin.getByName(FILE_CONCAT[media]);
      if (c) this.#concats.set(media, c);
    }
  }

  /** Offset the outputs to the pipeline's current running time and start the first play-through. */
  start(pipeline: GObj): void {
    const clock = pipeline.getClock();
    if (clock) {
      const now = BigInt(clock.getTime()) - BigInt(pipeline.getBaseTime());
      for (const c of this.#concats.values()) c.getStaticPad('src').setOffset(now > 0n ? now : 0n);
    }
    for (const c of this.#concats.values()) {
      // Runs on concat's streaming thread: hand over to the JS loop at once (§4.5), act there.
      const id = c.connect('notify::active-pad', () => {
        setTimeout(() => {
          try {
            this.#onSwitch();
          } catch (err) {
            this.#onError(`file loop: ${err instanceof Error ? err.message : String(err)}`);
          }
        }, 0);
      });
      this.#signals.push([c, id]);
    }
    this.#addIteration();
  }

  /** Play-throughs started so far (1 = first). */
  get iterations(): number {
    return this.#n;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [obj, id] of this.#signals.splice(0)) obj.disconnect(id);
    for (const it of this.#iterations) for (const h of it.handlers) it.dec.disconnect(h);
  }

  #addIteration(): void {
    if (this.#closed) return;
    const dec = Gst.ElementFactory.make('uridecodebin3', `file_dec_${this.#n}`);
    dec.uri = this.#uri;
    const it: Iteration = { n: this.#n++, dec, pads: new Map(), handlers: [] };
    it.handlers.push(
      dec.connect('pad-added', (pad: GObj) => {
        try {
          // decodebin3 names its output pads video_%u / audio_%u / text_%u.
          const name = String(pad.getName());
          const media = name.startsWith('video') ? 'video' : name.startsWith('audio') ? 'audio' : null;
          const concat = media ? this.#concats.get(media) : undefined;
          if (!media || !concat || it.pads.has(media)) return; // unwanted stream: decodebin3 leaves it unlinked
          const sink = concat.requestPadSimple('sink_%u');
          it.pads.set(media, sink);
          const r = pad.link(sink);
          if (r !== Gst.PadLinkReturn.OK) this.#onError(`file source: cannot link ${media} of ${this.#uri}: ${r}`);
        } catch (err) {
          this.#onError(`file source: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
    this.#iterations.push(it);
    this.#bin.add(dec);
    dec.syncStateWithParent();
  }

  /** A concat switched pads: once the newest iteration is active everywhere, queue the next and drop the old one. */
  #onSwitch(): void {
    const current = this.#iterations.at(-1);
    if (!current) return;
    const activeIn = (it: Iteration) =>
      [...it.pads].every(([media, pad]) => this.#concats.get(media)?.activePad === pad) && it.pads.size > 0;
    // The first iteration becoming active: prepare the second.
    if (this.#loop && activeIn(current)) this.#addIteration();
    // Every iteration before the newest active one is finished.
    while (this.#iterations.length > 1 && activeIn(this.#iterations[1]!)) this.#release(this.#iterations.shift()!);
  }

  #release(it: Iteration): void {
    for (const h of it.handlers.splice(0)) it.dec.disconnect(h);
    // Off the streaming thread that announced the switch: state changes must not run inside it.
    setTimeout(() => {
      try {
        for (const [media, pad] of it.pads) this.#concats.get(media)?.releaseRequestPad(pad);
        it.dec.setState(Gst.State.NULL);
        this.#bin.remove(it.dec);
      } catch (err) {
        this.#onError(`file loop cleanup: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, 50);
  }
}

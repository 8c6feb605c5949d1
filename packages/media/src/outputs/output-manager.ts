/**
 * Outputs of the composite, inside the engine (issue 5). Local outputs (HLS segments, recordings) are bins on the
 * composite pipeline fed from the shared encoder tees; network outputs (RTMP, SRT) are pipelines of their own fed by
 * loopback MPEG-TS (see descriptions.ts for why) and restarted with exponential backoff when they fail.
 * No per-buffer JS (§4.4): segments are announced by splitmuxsink's bus messages; byte counts are read at 1 Hz.
 */
import { createSocket } from 'node:dgram';
import { SEGMENT_RATE_WINDOW_MS, segmentBitrate } from './segment-bitrate.js';
import { mkdirSync, statSync } from 'node:fs';
import { Gst, objectNames, parseBin, structNumbers, type GObj } from '../engine/gi.js';
import type { Emit } from '../engine/webrtc-session.js';
import type { OutputSpecParsed, OutputState, OutputStats } from '../composite/protocol.js';
import {
  localBranchDescription,
  networkFeedDescription,
  networkOutputDescription,
  redactUrl,
  renditionEncoderDescription,
} from './descriptions.js';
import { KeyframeGrid } from './keyframe-grid.js';

export class OutputFailure extends Error {
  constructor(
    readonly code: 'bad-request' | 'pipeline' | 'internal',
    message: string,
  ) {
    super(message);
  }
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface TeeLink {
  tee: GObj;
  pad: GObj;
}

interface LocalOutput {
  spec: Extract<OutputSpecParsed, { kind: 'hls' | 'file' }>;
  bin: GObj;
  links: TeeLink[];
  /** ABR rendition: its own scaler + encoder + tee. */
  encoder?: { bin: GObj; link: TeeLink };
  openedAt: bigint | null;
  bytes: number;
  lastBytes: number;
  /** HLS: the last closed segments (size, media seconds, when), for a bitrate that does not depend on sampling. */
  recentSegments?: { bytes: number; seconds: number; atMs: number }[];
  state: OutputState;
  eos?: () => void;
}



interface NetworkOutput {
  spec: Extract<OutputSpecParsed, { kind: 'rtmp' | 'srt' }>;
  port: number;
  pipeline: GObj | null;
  bus: GObj | null;
  busHandler: number | null;
  state: OutputState;
  attempt: number;
  retryTimer: NodeJS.Timeout | null;
  runningSince: number;
  bytes: number;
  lastBytes: number;
  reconnects: number;
  stopped: boolean;
}

export interface OutputHost {
  pipeline: GObj;
  fps: number;
  video: { keyframeSeconds: number; speedPreset: string };
  baseTimeNs(): bigint | null;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Path of the element inside the composite pipeline → the output id (bins are named `out-<id>`). */
/** The output id of a bus message's source: the `out-<id>` bin it sits in (names from objectNames). */
export function outputIdOfNames(names: readonly string[]): string | null {
  const bin = names.find((n) => n.startsWith('out-'));
  return bin ? bin.slice(4) : null;
}

export class OutputManager {
  readonly #host: OutputHost;
  readonly #emit: Emit;
  readonly #local = new Map<string, LocalOutput>();
  readonly #network = new Map<string, NetworkOutput>();
  #feed: { bin: GObj; links: TeeLink[]; udp: GObj } | null = null;
  readonly #grid: KeyframeGrid;
  #closed = false;

  constructor(host: OutputHost, emit: Emit) {
    this.#host = host;
    this.#emit = emit;
    this.#grid = new KeyframeGrid({
      Gst,
      intervalSeconds: host.video.keyframeSeconds,
      runningTimeNs: () => this.#runningTimeNs(),
    });
    const main = host.pipeline.getByName('venc');
    if (main) this.#grid.add(main);
  }

  /** Keyframe requests sent so far (all encoders). */
  get keyframeRequests(): number {
    return this.#grid.requests;
  }

  #runningTimeNs(): number | null {
    const base = this.#host.baseTimeNs();
    const clock = base === null ? null : this.#host.pipeline.getClock();
    if (base === null || !clock) return null;
    const now = clock.getTime();
    return Number((typeof now === 'bigint' ? now : BigInt(Math.round(Number(now)))) - base);
  }

  has(id: string): boolean {
    return this.#local.has(id) || this.#network.has(id);
  }

  async start(spec: OutputSpecParsed): Promise<void> {
    if (this.#closed) throw new OutputFailure('internal', 'outputs are closed');
    if (this.has(spec.id))
      throw new OutputFailure('bad-request', `output "${spec.id}" already exists: stop it first or pick another id`);
    if (spec.kind === 'hls') {
      const k = this.#host.video.keyframeSeconds;
      const n = spec.segmentSeconds / k;
      if (Math.abs(n - Math.round(n)) > 1e-6 || Math.round(n) < 1) {
        throw new OutputFailure(
          'bad-request',
          `output "${spec.id}": segmentSeconds ${spec.segmentSeconds} is not a multiple of the composite's keyframe interval (video.keyframeSeconds ${k}): ` +
            `use segmentSeconds ${k}, ${2 * k}, ${3 * k}… or start the composite with a keyframeSeconds that divides it`,
        );
      }
    }
    if (spec.kind === 'hls' || spec.kind === 'file') this.#startLocal(spec);
    else await this.#startNetwork(spec);
  }

  // ---------------- local (in the composite pipeline) ----------------

  #tee(name: string): GObj {
    const t = this.#host.pipeline.getByName(name);
    if (!t) throw new OutputFailure('internal', `composite has no "${name}" tee`);
    return t;
  }

  #linkTee(tee: GObj, sinkPad: GObj, what: string): TeeLink {
    const pad = tee.requestPadSimple('src_%u');
    const r = pad.link(sinkPad);
    if (r !== Gst.PadLinkReturn.OK) throw new OutputFailure('pipeline', `cannot link ${what}: ${r}`);
    return { tee, pad };
  }

  #startLocal(spec: Extract<OutputSpecParsed, { kind: 'hls' | 'file' }>): void {
    const dir = spec.kind === 'hls' ? spec.directory : spec.path.replace(/\/[^/]*$/, '') || '.';
    try {
      mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new OutputFailure(
        'bad-request',
        `output "${spec.id}": cannot create ${dir} (${String(err)}); give a writable path`,
      );
    }
    const bin = parseBin(localBranchDescription(spec, { fps: this.#host.fps }), `output ${spec.id}`, false);
    bin.name = `out-${spec.id}`;
    for (const name of ['video', 'audio']) bin.addPad(Gst.GhostPad.new(name, bin.getByName(name).getStaticPad('sink')));
    bin.messageForward = true; // its EOS reaches the bus as GstBinForwarded: stop() waits for it
    this.#host.pipeline.add(bin);
    const out: LocalOutput = { spec, bin, links: [], openedAt: null, bytes: 0, lastBytes: 0, state: 'running' };
    const videoTee = this.#tee('vout');
    if (spec.kind === 'hls' && spec.rendition) {
      const name = `venc_${spec.id.replace(/[^\w]/g, '_')}`;
      const enc = parseBin(
        `${renditionEncoderDescription(spec.rendition, { fps: this.#host.fps, ...this.#host.video, name: 'x264' })} ! tee name=${name} allow-not-linked=true`,
        `rendition encoder ${spec.id}`,
        false,
      );
      enc.name = `enc-${spec.id}`;
      enc.addPad(Gst.GhostPad.new('sink', enc.getByName('in').getStaticPad('sink')));
      // The encoder's tee sits inside its bin: the output bin (a sibling) links to a ghost of one of its pads.
      const innerTee = enc.getByName(name);
      const teePad = innerTee.requestPadSimple('src_%u');
      enc.addPad(Gst.GhostPad.new('src', teePad));
      this.#host.pipeline.add(enc);
      enc.syncStateWithParent();
      this.#grid.add(enc.getByName('x264'));
      const link = this.#linkTee(this.#tee('vraw'), enc.getStaticPad('sink'), `rendition ${spec.id}`);
      out.encoder = { bin: enc, link };
      bin.syncStateWithParent();
      const r = enc.getStaticPad('src').link(bin.getStaticPad('video'));
      if (r !== Gst.PadLinkReturn.OK) throw new OutputFailure('pipeline', `cannot link ${spec.id} video: ${r}`);
      out.links.push({ tee: innerTee, pad: teePad });
    } else {
      bin.syncStateWithParent();
      out.links.push(this.#linkTee(videoTee, bin.getStaticPad('video'), `${spec.id} video`));
    }
    out.links.push(this.#linkTee(this.#tee('aout'), bin.getStaticPad('audio'), `${spec.id} audio`));
    this.#local.set(spec.id, out);
    // A keyframe now: splitmuxsink/the muxers do not wait for one (a segment starting with delta frames does not
    // decode). So an HLS output joining a running encoder starts with one short segment ending on the grid. (A
    // rendition's own new encoder starts with one anyway.)
    if (!out.encoder) requestKeyframe(out.links[0]!.pad);
    this.#state(spec.id, spec.kind, 'running');
  }

  /** Bus messages of the composite pipeline that concern outputs; returns true when consumed. */
  handleMessage(msg: GObj): boolean {
    const t = msg.type as number;
    const id = outputIdOfNames(objectNames(msg.src));
    if (t === Gst.MessageType.ELEMENT) {
      const s = msg.getStructure();
      const name = s ? String(s.getName()) : '';
      if (name === 'GstBinForwarded') {
        const out = [...this.#local.values()].find(
          (o) => o.bin === msg.src || `out-${o.spec.id}` === String(msg.src?.name),
        );
        const inner = s.getValue('message')?.getBoxed?.();
        if (out?.eos && inner && (inner.type as number) === Gst.MessageType.EOS) out.eos();
        return true;
      }
      if (!id) return false;
      const out = this.#local.get(id);
      if (!out) return false;
      if (name === 'splitmuxsink-fragment-opened') {
        out.openedAt = BigInt(structNumbers(s)['running-time'] ?? 0);
        return true;
      }
      if (name === 'splitmuxsink-fragment-closed') {
        const closedAt = BigInt(structNumbers(s)['running-time'] ?? 0);
        const location = String(s.getString('location'));
        const opened = out.openedAt ?? closedAt;
        const base = this.#host.baseTimeNs();
        let bytes = 0;
        try {
          bytes = statSync(location).size;
        } catch {
          // removed under us: still announce it, the publisher reports the failure
        }
        out.bytes += bytes;
        const durationSeconds = Number(closedAt - opened) / 1e9;
        if (durationSeconds > 0) {
          const now = Date.now();
          out.recentSegments = [...(out.recentSegments ?? []), { bytes, seconds: durationSeconds, atMs: now }].filter(
            (r) => now - r.atMs <= SEGMENT_RATE_WINDOW_MS,
          );
        }
        if (base !== null && durationSeconds > 0) {
          // REALTIME pipeline clock: wall ns = base time + running time.
          const wallMs = Number((base + opened) / 1_000_000n);
          this.#emit('segmentClosed', {
            outputId: id,
            path: location,
            durationSeconds,
            programDateTime: new Date(wallMs).toISOString(),
            bytes,
          });
        }
        out.openedAt = null;
        return true;
      }
      return false;
    }
    if (id && t === Gst.MessageType.ERROR) {
      const out = this.#local.get(id);
      if (out && out.state !== 'failed') {
        const [err] = msg.parseError();
        out.state = 'failed';
        this.#state(id, out.spec.kind, 'failed', String(err?.message ?? err));
        // Detach now so its flow error cannot climb into the encoder; the other outputs keep going.
        void this.#removeLocal(out, 0);
      }
      return true;
    }
    return false;
  }

  async #removeLocal(out: LocalOutput, eosTimeoutMs: number): Promise<boolean> {
    if (this.#local.get(out.spec.id) !== out) return true;
    this.#local.delete(out.spec.id);
    for (const l of out.links) {
      try {
        l.tee.releaseRequestPad(l.pad);
      } catch {
        // already gone
      }
    }
    let eos = true;
    if (eosTimeoutMs > 0) {
      const done = new Promise<void>((r) => (out.eos = r));
      for (const name of ['video', 'audio']) out.bin.getStaticPad(name).sendEvent(Gst.Event.newEos());
      eos = await Promise.race([done.then(() => true), wait(eosTimeoutMs).then(() => false)]);
    }
    await wait(50);
    out.bin.setState(Gst.State.NULL);
    this.#host.pipeline.remove(out.bin);
    if (out.encoder) {
      try {
        out.encoder.link.tee.releaseRequestPad(out.encoder.link.pad);
      } catch {
        // already gone
      }
      this.#grid.remove(out.encoder.bin.getByName('x264'));
      out.encoder.bin.setState(Gst.State.NULL);
      this.#host.pipeline.remove(out.encoder.bin);
    }
    return eos;
  }

  // ---------------- network (own pipelines) ----------------

  #ensureFeed(): { udp: GObj } {
    if (this.#feed) return this.#feed;
    const bin = parseBin(networkFeedDescription(), 'network feed', false);
    bin.name = 'netfeed';
    for (const name of ['video', 'audio']) bin.addPad(Gst.GhostPad.new(name, bin.getByName(name).getStaticPad('sink')));
    this.#host.pipeline.add(bin);
    bin.syncStateWithParent();
    const links = [
      this.#linkTee(this.#tee('vout'), bin.getStaticPad('video'), 'network feed video'),
      this.#linkTee(this.#tee('aout'), bin.getStaticPad('audio'), 'network feed audio'),
    ];
    requestKeyframe(links[0]!.pad);
    this.#feed = { bin, links, udp: bin.getByName('udp') };
    return this.#feed;
  }

  async #startNetwork(spec: Extract<OutputSpecParsed, { kind: 'rtmp' | 'srt' }>): Promise<void> {
    const port = await freeUdpPort();
    // Parse once now so a bad URL/description is a request error, not a later bus error.
    parseBin(networkOutputDescription(spec, port), `output ${spec.id}`, false);
    const out: NetworkOutput = {
      spec,
      port,
      pipeline: null,
      bus: null,
      busHandler: null,
      state: 'running',
      attempt: 0,
      retryTimer: null,
      runningSince: 0,
      bytes: 0,
      lastBytes: 0,
      reconnects: 0,
      stopped: false,
    };
    this.#network.set(spec.id, out);
    this.#ensureFeed().udp.emit('add', '127.0.0.1', port);
    this.#runNetwork(out);
  }

  #target(spec: NetworkOutput['spec']): string {
    return spec.kind === 'rtmp'
      ? redactUrl(`${spec.url}/${spec.streamKey ?? ''}`, spec.streamKey)
      : redactUrl(spec.uri, spec.passphrase);
  }

  #runNetwork(out: NetworkOutput): void {
    if (out.stopped || this.#closed) return;
    const p = Gst.parseLaunch(networkOutputDescription(out.spec, out.port));
    p.name = `output-${out.spec.id}`;
    const bus = p.getBus();
    bus.addSignalWatch();
    out.busHandler = bus.connect('message', (msg: GObj) => {
      try {
        const t = msg.type as number;
        if (t === Gst.MessageType.ERROR || t === Gst.MessageType.EOS) {
          const message =
            t === Gst.MessageType.ERROR ? String(msg.parseError()[0]?.message ?? 'error') : 'end of stream';
          void this.#restartNetwork(out, message);
        }
      } catch (err) {
        console.error(`output ${out.spec.id} bus handler failed`, err);
      }
    });
    out.pipeline = p;
    out.bus = bus;
    out.runningSince = Date.now();
    p.setState(Gst.State.PLAYING);
    console.log(
      `[composite] output ${out.spec.id} (${out.spec.kind}) → ${this.#target(out.spec)} attempt ${out.attempt}`,
    );
    // A keyframe now, so the new connection starts decodable without waiting for the next GOP.
    if (this.#feed) requestKeyframe(this.#feed.links[0]!.pad);
  }

  async #teardownNetwork(out: NetworkOutput): Promise<void> {
    const p = out.pipeline;
    out.pipeline = null;
    if (!p) return;
    if (out.bus && out.busHandler !== null) {
      out.bus.disconnect(out.busHandler);
      out.bus.removeSignalWatch();
    }
    out.bus = null;
    out.busHandler = null;
    await wait(50);
    p.setState(Gst.State.NULL);
  }

  async #restartNetwork(out: NetworkOutput, message: string): Promise<void> {
    if (out.stopped || !out.pipeline) return;
    // A connection that ran for a while resets the backoff.
    if (Date.now() - out.runningSince > 30_000) out.attempt = 0;
    out.bytes += this.#sinkBytes(out);
    await this.#teardownNetwork(out);
    const { initialDelayMs, maxDelayMs } = out.spec.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** out.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    out.attempt++;
    out.reconnects++;
    out.state = 'reconnecting';
    this.#state(
      out.spec.id,
      out.spec.kind,
      'reconnecting',
      message.replaceAll(out.spec.kind === 'rtmp' ? (out.spec.streamKey ?? '\0') : '\0', '[redacted]'),
      out.attempt,
      delay,
    );
    out.retryTimer = setTimeout(() => {
      out.retryTimer = null;
      try {
        out.state = 'running';
        this.#runNetwork(out);
        this.#state(out.spec.id, out.spec.kind, 'running', undefined, out.attempt);
      } catch (err) {
        console.error(`output ${out.spec.id} restart failed`, err);
      }
    }, delay);
  }

  #sinkBytes(out: NetworkOutput): number {
    const sink = out.pipeline?.getByName('sink');
    if (!sink) return 0;
    try {
      const n = structNumbers(sink.stats);
      return n['out-bytes-total'] ?? n['bytes-sent-total'] ?? n['bytes-sent'] ?? 0;
    } catch {
      return 0;
    }
  }

  async #stopNetwork(out: NetworkOutput): Promise<void> {
    out.stopped = true;
    this.#network.delete(out.spec.id);
    if (out.retryTimer) clearTimeout(out.retryTimer);
    this.#feed?.udp.emit('remove', '127.0.0.1', out.port);
    if (out.pipeline) {
      // EOS so flvmux/srt close the stream properly, bounded.
      out.pipeline.sendEvent(Gst.Event.newEos());
      await wait(300);
    }
    await this.#teardownNetwork(out);
  }

  // ---------------- control ----------------

  async stop(id: string, eosTimeoutMs: number): Promise<boolean> {
    const local = this.#local.get(id);
    if (local) {
      const eos = await this.#removeLocal(local, eosTimeoutMs);
      this.#state(id, local.spec.kind, 'stopped');
      return eos;
    }
    const net = this.#network.get(id);
    if (net) {
      await this.#stopNetwork(net);
      this.#state(id, net.spec.kind, 'stopped');
      return true;
    }
    throw new OutputFailure('bad-request', `no output "${id}"`);
  }

  stats(intervalMs: number): OutputStats[] {
    const out: OutputStats[] = [];
    const rate = (now: number, last: number) =>
      Math.max(0, Math.round(((now - last) * 8000) / Math.max(1, intervalMs)));
    for (const o of this.#local.values()) {
      let bytes = o.bytes;
      if (o.spec.kind === 'file') {
        try {
          bytes = statSync(o.spec.path).size;
        } catch {
          bytes = 0;
        }
      }
      out.push({
        id: o.spec.id,
        kind: o.spec.kind,
        state: o.state,
        bytes,
        bitrate: o.spec.kind === 'hls' ? segmentBitrate(o.recentSegments ?? [], Date.now()) : rate(bytes, o.lastBytes),
        reconnects: 0,
      });
      o.lastBytes = bytes;
    }
    for (const o of this.#network.values()) {
      const bytes = o.bytes + this.#sinkBytes(o);
      out.push({
        id: o.spec.id,
        kind: o.spec.kind,
        state: o.state,
        bytes,
        bitrate: rate(bytes, o.lastBytes),
        reconnects: o.reconnects,
      });
      o.lastBytes = bytes;
    }
    return out;
  }

  /** EOS into every local output (recordings finalised, last segment closed), stop network outputs. */
  async close(eosTimeoutMs: number): Promise<boolean> {
    if (this.#closed) return true;
    this.#closed = true;
    this.#grid.close();
    const results = await Promise.all([
      ...[...this.#local.values()].map((o) => this.#removeLocal(o, eosTimeoutMs)),
      ...[...this.#network.values()].map((o) => this.#stopNetwork(o).then(() => true)),
    ]);
    return results.every(Boolean);
  }

  #state(
    outputId: string,
    kind: OutputStats['kind'],
    state: OutputState,
    message?: string,
    attempt?: number,
    retryInMs?: number,
  ): void {
    this.#emit('outputStateChanged', {
      outputId,
      kind,
      state,
      ...(message !== undefined ? { message } : {}),
      ...(attempt !== undefined ? { attempt } : {}),
      ...(retryInMs !== undefined ? { retryInMs } : {}),
    });
  }
}

/** Upstream GstForceKeyUnit (all-headers: SPS/PPS again for the new consumer) from a tee src pad to the encoder. */
export function requestKeyframe(pad: GObj): void {
  try {
    const s = Gst.Structure.newFromString('GstForceKeyUnit, all-headers=(boolean)true, count=(uint)0');
    pad.sendEvent(Gst.Event.newCustom(Gst.EventType.CUSTOM_UPSTREAM, s));
  } catch {
    // best effort
  }
}

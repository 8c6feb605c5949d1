/**
 * The engine process (docs/media-engine.md §6): GLib main loop, a 1 s heartbeat (also the ref'd libuv handle node-gtk
 * needs to deliver cross-thread signals, §4.3), and a channel server on fd 3 (requests in) / fd 4 (responses, events).
 * Started only through engine-main.cts (CommonJS, §4.1).
 */
import net from 'node:net';
import { PipelineError } from '../errors.js';
import {
  PROTOCOL_VERSION,
  eventSchemas,
  isMethod,
  receiveSpecSchema,
  requestEnvelopeSchema,
  requestSchemas,
  sendSpecSchema,
  type EngineEventData,
  type EngineEventName,
  type EngineErrorCode,
} from '../protocol/messages.js';
import { GLib, Gst } from './gi.js';
import { BridgeFailure, ForwardingBridgeEngine } from './bridge.js';
import { SessionError, WebrtcSession } from './webrtc-session.js';
import { CompositeFailure, CompositeHost, OutputFailure } from '../composite/composite-host.js';
import { CountdownError } from '../countdown/errors.js';
import { PlayoutError } from '../playout/errors.js';
import type { PlayoutSource } from '../playout/playout-source.js';

class RequestFailure extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }
}

export function runEngine(): void {
  const started = Date.now();
  const loop = new GLib.MainLoop(null, false);
  const out = new net.Socket({ fd: 4, readable: false, writable: true });
  const input = new net.Socket({ fd: 3, readable: true, writable: false });
  const sessions = new Map<string, WebrtcSession>();
  let seq = 0;
  let shuttingDown = false;
  let bridge: ForwardingBridgeEngine | null = null;

  const write = (obj: unknown) => out.write(JSON.stringify(obj) + '\n');
  const emit = <E extends EngineEventName>(event: E, data: EngineEventData<E>): void => {
    const r = eventSchemas[event].safeParse(data);
    if (!r.success) {
      console.error(`engine bug: invalid ${event} event: ${r.error.message}`);
      return;
    }
    write({ event, data: r.data });
  };

  const getSession = (sid: string): WebrtcSession => {
    const s = sessions.get(sid);
    if (!s) throw new RequestFailure('unknown-session', `no session ${sid}: call session.open first`);
    return s;
  };
  const newSession = (sid: string, make: () => WebrtcSession): WebrtcSession => {
    if (sessions.has(sid)) throw new RequestFailure('session-exists', `session ${sid} is already open`);
    const s = make();
    sessions.set(sid, s);
    return s;
  };

  const composite = new CompositeHost(emit);

  /** The playout of `sid`, or of the only session that plays out. */
  const getPlayout = (sid?: string): { sid: string; playout: PlayoutSource } => {
    const candidates = sid ? [getSession(sid)] : [...sessions.values()].filter((s) => s.sendsPlayout);
    const s = candidates[0];
    if (!s || !s.sendsPlayout)
      throw new RequestFailure('bad-request', sid ? `session ${sid} does not play out: open it with send.source.kind "playout"` : 'no session plays out (yet): the playout starts with the first session of the room');
    if (candidates.length > 1) throw new RequestFailure('bad-request', 'several sessions play out: pass sid');
    if (!s.playout) throw new RequestFailure('bad-request', `session ${s.sid} has no media yet (no offer answered): retry once it is connected`);
    return { sid: s.sid, playout: s.playout };
  };

  const getBridge = (): ForwardingBridgeEngine => (bridge ??= new ForwardingBridgeEngine(emit));

  async function shutdown(eosTimeoutMs: number): Promise<boolean> {
    shuttingDown = true;
    // Outputs first: their EOS closes the last segment and finalises recordings while the sessions still feed them.
    let eos = await composite.close(eosTimeoutMs);
    if (bridge) await bridge.close().catch(() => {});
    bridge = null;
    for (const [sid, s] of sessions) {
      eos = (await s.close(eosTimeoutMs).catch(() => false)) && eos;
      sessions.delete(sid);
    }
    return eos;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- params were validated against requestSchemas in handle()
  const handlers: Record<string, (p: any) => Promise<unknown>> = {
    'session.open': async (p) => {
      newSession(
        p.sid,
        () =>
          new WebrtcSession(
            {
              sid: p.sid,
              role: 'answerer',
              ...(p.send ? { send: sendSpecSchema.parse(p.send) } : {}),
              receive: receiveSpecSchema.parse(p.receive),
              iceServers: p.iceServers,
              localSources: p.localSources,
              firstCapsTimeoutMs: p.firstCapsTimeoutMs,
              clock: p.clock,
            },
            emit,
          ),
      );
      return {};
    },
    'session.applyRemoteOffer': (p) => getSession(p.sid).applyRemoteOffer(p.sdp, p.remoteSources),
    'session.addRemoteCandidate': async (p) => {
      getSession(p.sid).addRemoteCandidate(p.mlineIndex, p.candidate);
      return {};
    },
    'session.close': async (p) => {
      const s = sessions.get(p.sid);
      if (s) {
        sessions.delete(p.sid);
        await s.close();
      }
      return {};
    },
    'countdown.set': async (p) => {
      const s = getSession(p.sid);
      if (!s.sendsCountdown) {
        throw new RequestFailure(
          'bad-request',
          `session ${p.sid} sends no countdown: open it with send.source.kind "countdown" to use countdown.set`,
        );
      }
      s.setCountdown({
        ...(p.target !== undefined ? { target: p.target } : {}),
        ...(p.style !== undefined ? { style: p.style } : {}),
      });
      return {};
    },
    'playout.control': async (p) => {
      const pl = getPlayout(p.sid);
      return { ...pl.playout.control(p.action), sid: pl.sid };
    },
    'playout.status': async (p) => {
      const pl = getPlayout(p.sid);
      return { ...pl.playout.status(), sid: pl.sid };
    },
    'offerer.open': async (p) => {
      const s = newSession(
        p.sid,
        () =>
          new WebrtcSession(
            {
              sid: p.sid,
              role: 'offerer',
              send: sendSpecSchema.parse(p.send),
              receive: receiveSpecSchema.parse(p.receive),
              iceServers: [],
              localSources: [],
              firstCapsTimeoutMs: 8000,
            },
            emit,
          ),
      );
      return { sdp: await s.openOfferer(p.sources) };
    },
    'offerer.applyAnswer': async (p) => {
      await getSession(p.sid).applyAnswer(p.sdp);
      return {};
    },
    'offerer.setSourceActive': async (p) => {
      getSession(p.sid).setSourceActive(p.name, p.active);
      return {};
    },
    'bridge.allocateEndpoint': (p) =>
      getBridge().allocateEndpoint(p.endpointId, {
        h264: p.h264,
        gatherTimeoutMs: p.gatherTimeoutMs,
        conferenceId: p.conferenceId,
        forwardVideo: p.forwardVideo,
      }),
    'bridge.acceptAnswer': async (p) => {
      await getBridge().acceptAnswer(p.endpointId, p.answerSdp, p.sources);
      return {};
    },
    'bridge.addRemoteCandidate': async (p) => {
      getBridge().addRemoteCandidate(p.endpointId, p.mlineIndex, p.candidate);
      return {};
    },
    'bridge.reoffer': (p) => getBridge().reoffer(p.endpointId),
    'bridge.removeEndpoint': async (p) => ({ removedSources: bridge ? await bridge.removeEndpoint(p.endpointId) : [] }),
    'bridge.setForwardedVideo': async (p) => ({ forwarded: getBridge().setForwardedVideo(p.endpointId, p.sources) }),
    'bridge.sources': async () => ({ sources: bridge ? bridge.sources() : [] }),
    'bridge.close': async () => {
      const b = bridge;
      bridge = null;
      if (b) await b.close();
      return {};
    },
    'engine.stats': async () => ({
      sessions: [...sessions.keys()],
      rssBytes: process.memoryUsage().rss,
      uptimeMs: Date.now() - started,
    }),
    'engine.shutdown': async (p) => {
      const eos = await shutdown(p.eosTimeoutMs);
      setTimeout(() => {
        clearInterval(heartbeat);
        loop.quit();
      }, 20);
      return { eos };
    },
    ...composite.handlers,
    'debug.block': async (p) => {
      // Blocks the JS thread like a node-gtk deadlock would: no heartbeat, no responses.
      const until = Date.now() + p.ms;
      while (Date.now() < until) {
        /* spin */
      }
      return {};
    },
    'debug.crash': async () => {
      process.abort();
    },
  };

  async function handle(line: string): Promise<void> {
    let id = 0;
    try {
      const env = requestEnvelopeSchema.safeParse(JSON.parse(line));
      if (!env.success) throw new RequestFailure('bad-request', `malformed request envelope: ${env.error.message}`);
      id = env.data.id;
      const method = env.data.method;
      if (!isMethod(method)) throw new RequestFailure('unknown-method', `unknown method "${method}"`);
      if (shuttingDown && method !== 'engine.shutdown') throw new RequestFailure('internal', 'engine is shutting down');
      const params = requestSchemas[method].safeParse(env.data.params);
      if (!params.success) throw new RequestFailure('bad-request', `${method}: ${params.error.message}`);
      const handler = handlers[method];
      if (!handler) throw new RequestFailure('unknown-method', `method "${method}" not implemented by this engine`);
      const result = await handler(params.data);
      write({ id, ok: true, result });
    } catch (err) {
      let e: RequestFailure;
      if (err instanceof RequestFailure) e = err;
      else if (err instanceof PipelineError)
        e = new RequestFailure('pipeline', err.message, { reason: err.reason, ...err.details });
      else if (err instanceof SessionError) e = new RequestFailure(err.code, err.message);
      else if (err instanceof BridgeFailure) e = new RequestFailure(err.code, err.message);
      else if (err instanceof CompositeFailure || err instanceof OutputFailure) e = new RequestFailure(err.code, err.message);
      else if (err instanceof PlayoutError)
        e = new RequestFailure(err.reason === 'invalid-action' ? 'bad-request' : 'internal', err.message, { reason: err.reason });
      else if (err instanceof CountdownError)
        // Caller mistakes (style/target, a style change needing a new source, an unreadable logo) vs. engine faults.
        e = new RequestFailure(
          ['bad-style', 'bad-target', 'restart-required', 'logo-missing'].includes(err.reason) ? 'bad-request' : 'internal',
          err.message,
          { reason: err.reason },
        );
      else e = new RequestFailure('internal', err instanceof Error ? (err.stack ?? err.message) : String(err));
      write({
        id,
        ok: false,
        error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) },
      });
    }
  }

  let buf = '';
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (line.trim()) void handle(line);
    }
  });
  // The client went away (its process died): stop media and exit rather than run orphaned.
  input.on('end', () => {
    void shutdown(0).finally(() => {
      clearInterval(heartbeat);
      loop.quit();
    });
  });
  input.on('error', () => {});
  out.on('error', () => {});
  process.on('SIGTERM', () => {
    void shutdown(0).finally(() => process.exit(143));
  });
  // A terminal Ctrl-C reaches the whole process group: the supervising client decides when we stop (EOS first).
  process.on('SIGINT', () => {});

  // Heartbeat + stats tick; an exception in a timer would exit the process (§4.10), hence the try.
  const heartbeat = setInterval(() => {
    try {
      const cpu = process.cpuUsage();
      const mem = process.memoryUsage();
      emit('heartbeat', {
        seq: seq++,
        rssBytes: mem.rss,
        heapUsedBytes: mem.heapUsed,
        externalBytes: mem.external,
        cpuUserUs: cpu.user,
        sessions: sessions.size,
      });
      for (const s of sessions.values()) s.tick();
      bridge?.tick();
      composite.tick();
    } catch (err) {
      console.error('engine tick failed', err);
    }
  }, 1000);

  emit('ready', { protocolVersion: PROTOCOL_VERSION, pid: process.pid, gstVersion: String(Gst.versionString()) });
  loop.run();
  out.end(() => process.exit(0));
  setTimeout(() => process.exit(0), 500).unref();
}

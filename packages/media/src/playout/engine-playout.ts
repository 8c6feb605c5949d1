/**
 * Engine-side glue of the playout (loaded only inside the engine process: it imports node-gtk through engine/gi.ts).
 * A session whose send source is `kind: "playout"` builds its send bin from playoutSkeletonDescription and calls
 * startSessionPlayout() once that bin is in the PLAYING pipeline; events go out on the channel with the session id.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Logger } from '../events.js';
import type { EngineEventData, EngineEventName } from '../protocol/messages.js';
import { Gst, GstController } from '../engine/gi.js';
import { consoleLineLogger } from '../engine/line-logger.js';
import { PlayoutSource, type PlayoutEncodedPath } from './playout-source.js';
import type { PlayoutSource as PlayoutSpec } from './playout-spec.js';

type Emit = <E extends EngineEventName>(event: E, data: EngineEventData<E>) => void;

/** Engine log lines on stdout (forwarded to the client's logger), like the rest of the engine. */
const consoleLogger = (prefix: string): Logger => consoleLineLogger(prefix, 'playout');

export function startSessionPlayout(o: {
  sid: string;
  bin: any;
  pipeline: any;
  spec: PlayoutSpec;
  emit: Emit;
  /** The session's video send chain (built with playoutSplice): passthrough splices the talk's frames into it. */
  encoded?: PlayoutEncodedPath;
}): PlayoutSource {
  const { sid, emit } = o;
  const p = new PlayoutSource({
    gi: { Gst, GstController },
    bin: o.bin,
    pipeline: o.pipeline,
    spec: o.spec,
    ...(o.encoded ? { encoded: o.encoded } : {}),
    logger: consoleLogger(sid),
    sink: {
      stateChanged: (d) => emit('playoutStateChanged', { sid, ...d }),
      lateStart: (d) => emit('playoutLateStarted', { sid, ...d }),
      alert: (d) => emit('playoutAlerted', { sid, ...d }),
      modeChosen: (d) => emit('playoutModeChosen', { sid, ...d }),
    },
  });
  p.start();
  return p;
}

export { PlayoutSource };

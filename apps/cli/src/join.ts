/**
 * `stagecast join`: parsed options → @stagecast/participant, a status line on stderr, clean leave on SIGINT/SIGTERM
 * (engine EOS so recordings finish, then unavailable presence), and a CliError with an exit code on every failure.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '@stagecast/jitsi';
import type { ReceiveSpec, SendSpec } from '@stagecast/media';
import { ParticipantError, startParticipant, type MeetingOptions, type ParticipantHandle, type StartParticipantOptions } from '@stagecast/participant';
import type { JoinOptions } from './args.js';
import { CliError } from './errors.js';
import { serveParticipantMetrics } from './metrics.js';
import { createStatusWriter, type StatusModel } from './status-line.js';

export function participantOptions(o: JoinOptions): Omit<StartParticipantOptions, 'logger' | 'signal'> {
  const meeting: MeetingOptions = {
    meetingUrl: o.meetingUrl,
    displayName: o.nick,
    lobby: { knock: true, timeoutMs: o.lobbyTimeoutSeconds * 1000 },
  };
  if (o.token) meeting.auth = { kind: 'jwt', token: o.token };
  else if (o.username && o.userPassword) meeting.auth = { kind: 'password', username: o.username, password: o.userPassword };
  if (o.password) meeting.roomPassword = o.password;
  if (o.roomName) meeting.room = o.roomName;
  const overrides = {
    ...(o.webSocketUrl ? { websocketUrl: o.webSocketUrl } : {}),
    ...(o.xmppDomain ? { domain: o.xmppDomain } : {}),
    ...(o.mucDomain ? { muc: o.mucDomain } : {}),
    ...(o.focusJid ? { focus: o.focusJid } : {}),
  };
  if (Object.keys(overrides).length) meeting.overrides = overrides;
  if (o.caFile) {
    try {
      meeting.ca = readFileSync(o.caFile);
    } catch (err) {
      throw new CliError('invalid-option', `--ca-file ${o.caFile} cannot be read (${(err as Error).message}); give a PEM file`);
    }
  }
  const send: SendSpec | undefined = o.sendPipeline
    ? {
        source: { kind: 'pipeline', description: o.sendPipeline },
        videoCodec: o.videoCodec,
        ...(o.sendDesktopPipeline ? { desktop: { kind: 'pipeline' as const, description: o.sendDesktopPipeline } } : {}),
      }
    : undefined;
  // One user template serves both media: each remote source (camera, screen share, audio) gets its own instance.
  const receive: ReceiveSpec | undefined = o.recvPipelineParticipantTemplate
    ? { mode: 'template', video: o.recvPipelineParticipantTemplate, audio: o.recvPipelineParticipantTemplate }
    : o.recvPipeline
      ? { mode: 'shared', description: o.recvPipeline }
      : undefined;
  return {
    meeting,
    media: { ...(send ? { send } : {}), ...(receive ? { receive } : {}) },
    receiveVideo: { maxHeight: o.recvVideoHeight, lastN: o.lastN, selectedEndpoints: o.selectEndpoints },
  };
}

export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof ParticipantError) {
    switch (err.reason) {
      case 'join-failed':
      case 'connection-lost':
      case 'removed-from-room':
        return new CliError('connect-failed', err.message, { cause: err });
      case 'aborted':
        return new CliError('interrupted', 'interrupted before the participant joined', { cause: err });
      case 'invalid-options':
        return new CliError('invalid-option', err.message, { cause: err });
      default:
        return new CliError('media-failed', err.message, { cause: err });
    }
  }
  return new CliError('internal', `unexpected failure: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

export interface JoinIo {
  stderr: { write(s: string): unknown; isTTY?: boolean };
  logger: Logger;
  /** Clean-leave trigger (first SIGINT/SIGTERM). */
  signal: AbortSignal;
}

/** Runs until the participant leaves: resolves on a requested leave, rejects with a CliError on failure. */
export async function runJoin(o: JoinOptions, io: JoinIo): Promise<void> {
  const status = createStatusWriter(io.stderr);
  const model: StatusModel = { state: 'starting', participants: 0 };
  const room = new URL(o.meetingUrl).pathname.split('/').filter(Boolean).pop() ?? '';
  status.update(model);
  let handle: ParticipantHandle;
  try {
    model.state = 'joining';
    status.update(model);
    handle = await startParticipant({ ...participantOptions(o), logger: io.logger, signal: io.signal });
  } catch (err) {
    status.end();
    throw toCliError(err);
  }
  const refresh = () => {
    model.participants = handle.participants.length;
    status.update(model);
  };
  status.event(`joined ${room} as ${handle.endpointId ?? '?'} (engine pid ${handle.enginePid ?? '?'})`);
  let metrics: Awaited<ReturnType<typeof serveParticipantMetrics>> | undefined;
  if (o.metricsPort !== undefined) {
    try {
      metrics = await serveParticipantMetrics(handle, o.metricsPort);
    } catch (err) {
      status.end();
      await handle.close();
      throw toCliError(err);
    }
    status.event(`metrics on ${metrics.url}`);
  }
  model.state = 'joined';
  model.room = room;
  if (handle.endpointId) model.endpointId = handle.endpointId;
  refresh();
  handle.on('participantJoined', (p) => {
    status.event(`participant joined: ${p.nick ?? p.id} (${p.id})`);
    refresh();
  });
  handle.on('participantLeft', (p) => {
    status.event(`participant left: ${p.nick ?? p.id} (${p.id})`);
    refresh();
  });
  handle.on('sourceAdded', (s) => status.event(`receiving ${s.sourceName} (${s.media}${s.videoType === 'desktop' ? ', screen share' : ''}) from ${s.nick ?? s.participantId}`));
  handle.on('sourceRemoved', (s, why) => status.event(`stopped receiving ${s.sourceName} (${why})`));
  handle.on('firstFrameDecoded', (s, ms) => status.event(`first ${s.media} frame from ${s.sourceName} decoded (${ms} ms after its pad)`));
  handle.on('engineRestarted', (r) => {
    status.event(`engine restarted (pid ${r.pid ?? '?'}, after ${r.reason}; restart ${r.restarts})`);
    model.state = 'joined';
    refresh();
  });
  handle.on('mediaErrorOccurred', (e) => status.event(`media error in ${e.element}: ${e.message}`));
  handle.on('warningOccurred', (e) => io.logger.warn({ err: e.message }, 'signaling warning'));
  handle.on('stats', (s) => {
    model.stats = s;
    refresh();
  });
  const left = new Promise<void>((resolve, reject) => {
    handle.on('left', (r) => {
      model.state = 'left';
      status.end();
      if (r.kind === 'requested') resolve();
      else reject(toCliError(r.error));
    });
  });
  const onAbort = () => {
    status.event('leaving (engine EOS, then leave the room)…');
    void handle.close();
  };
  if (io.signal.aborted) onAbort();
  else io.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await left;
  } finally {
    await metrics?.close();
  }
  status.event('left the room');
}

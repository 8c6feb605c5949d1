/**
 * Broadcast and playout join the room's Jitsi meeting as participants (receive and composite the speakers; publish
 * the talk's video). That participant runtime (packages/jitsi ⇄ packages/media session wiring) is being built
 * separately; until it is injected here these roles fail with a clear missing-dependency error — no fake output.
 */
import type { StageRole } from '@stagecast/jobs';
import { StageError, type StageJob, type StageRunContext, type StageRunner } from './types.js';

/** The participant runtime the broadcast/playout roles need (joins `meetingUrl`, runs until `signal` aborts). */
export interface ParticipantRuntime {
  runRole(job: StageJob, context: StageRunContext): Promise<void>;
}

export function createParticipantRunner(
  role: Extract<StageRole, 'broadcast' | 'playout'>,
  runtime?: ParticipantRuntime,
): StageRunner {
  return {
    role,
    async run(job, context) {
      if (!runtime) {
        throw StageError.missingDependency(
          role,
          role === 'broadcast'
            ? 'the Jitsi participant runtime (join the meeting, receive and composite speakers, push to the room outputs)'
            : 'the Jitsi participant runtime (join the meeting and publish the talk video at T)',
        );
      }
      await runtime.runRole(job, context);
    },
  };
}

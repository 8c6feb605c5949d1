/**
 * stop-stage: cancels the running job records of a room (one role or all). The worker holding each lease sees it
 * lost on its next heartbeat tick and stops the role (reason 'stopped'); no process-to-process messaging is needed.
 */
import { createJobRecordRepository, DbError, type DbHandle } from '@stagecast/db';
import type { JobContext, PayloadOf } from '@stagecast/jobs';

export function createStopStageHandler(deps: { db: DbHandle }) {
  const records = createJobRecordRepository(deps.db.db);
  return async function stopStage(payload: PayloadOf<'stop-stage'>, ctx: JobContext): Promise<void> {
    const running = await records.listRunningForRoom(payload.roomId, payload.role);
    for (const record of running) {
      try {
        await records.markCancelled(record.id);
      } catch (error: unknown) {
        if (!(error instanceof DbError && error.reason === 'stale-state')) throw error;
      }
    }
    ctx.logger.info(
      { roomId: payload.roomId, role: payload.role ?? 'all', reason: payload.reason, stopped: running.length },
      'stop-stage applied',
    );
  };
}

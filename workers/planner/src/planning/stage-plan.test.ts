import { describe, expect, it } from 'vitest';
import { desiredStageJobs, samePlannedJob, stageJobKey, type PlanTalk } from './stage-plan.js';

const room = '0b6f3c1e-8d1a-4c3e-9a53-2f3c1f1e2a10';
const talk = (id: string, startIso: string, extra: Partial<PlanTalk> = {}): PlanTalk => ({
  id,
  roomId: room,
  startsAt: new Date(startIso),
  durationSeconds: 1800,
  videoFile: null,
  ...extra,
});

describe('desiredStageJobs', () => {
  it('plans clock and broadcast at T−15 min and playout at T−2 min (only with a video file)', () => {
    const jobs = desiredStageJobs(
      [talk('a', '2025-12-27T10:00:00Z'), talk('b', '2025-12-27T11:00:00Z', { videoFile: '/videos/b.mkv' })],
      new Date('2025-12-27T08:00:00Z'),
    );
    expect(jobs.map((j) => [j.jobKey, j.startAfter.toISOString(), j.payload.runUntil])).toEqual([
      ['run-stage:a:broadcast', '2025-12-27T09:45:00.000Z', '2025-12-27T10:30:00.000Z'],
      ['run-stage:a:clock', '2025-12-27T09:45:00.000Z', '2025-12-27T10:01:00.000Z'],
      ['run-stage:b:broadcast', '2025-12-27T10:45:00.000Z', '2025-12-27T11:30:00.000Z'],
      ['run-stage:b:clock', '2025-12-27T10:45:00.000Z', '2025-12-27T11:01:00.000Z'],
      ['run-stage:b:playout', '2025-12-27T10:58:00.000Z', '2025-12-27T11:30:00.000Z'],
    ]);
  });

  it('honours configured leads, skips unassigned and finished roles, and is deterministic', () => {
    const talks = [talk('a', '2025-12-27T10:00:00Z'), talk('x', '2025-12-27T10:00:00Z', { roomId: null })];
    const now = new Date('2025-12-27T10:05:00Z'); // clock (until 10:01) is over, broadcast (until 10:30) is not
    const jobs = desiredStageJobs(talks, now, { broadcastLeadMs: 5 * 60_000 });
    expect(jobs.map((j) => [j.jobKey, j.startAfter.toISOString()])).toEqual([
      [stageJobKey('a', 'broadcast'), '2025-12-27T09:55:00.000Z'],
    ]);
    expect(desiredStageJobs(talks, now, { broadcastLeadMs: 5 * 60_000 })).toEqual(jobs);
    expect(desiredStageJobs(talks, new Date('2025-12-27T10:30:00Z'))).toEqual([]);
  });

  it('samePlannedJob detects a moved talk', () => {
    const [job] = desiredStageJobs([talk('a', '2025-12-27T10:00:00Z')], new Date('2025-12-27T08:00:00Z'));
    const stored = { scheduledFor: job!.startAfter, payload: { ...job!.payload, jobRecordId: 'r' } };
    expect(samePlannedJob(stored, job!)).toBe(true);
    const [moved] = desiredStageJobs([talk('a', '2025-12-27T10:10:00Z')], new Date('2025-12-27T08:00:00Z'));
    expect(samePlannedJob(stored, moved!)).toBe(false);
    expect(samePlannedJob({ ...stored, payload: { ...stored.payload, durationSeconds: 60 } }, job!)).toBe(false);
  });
});

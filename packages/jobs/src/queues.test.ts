import { describe, expect, it } from 'vitest';
import { assertQueueName, isQueueName, queueNamePattern, queueNames, queues } from './queues.js';

const roomId = '0b6f3c1e-8d1a-4c3e-9a53-2f3c1f1e2a10';

describe('queue catalogue', () => {
  it('names every queue kebab-case verb-noun and keys the map by name', () => {
    expect(queueNames.sort()).toEqual(['run-stage', 'stop-stage', 'sync-schedule']);
    for (const name of queueNames) {
      expect(name).toMatch(queueNamePattern);
      expect(queues[name].name).toBe(name);
    }
  });

  it.each(['runstage', 'Run-Stage', 'run_stage', 'run-stage-', '-run-stage', 'x run-stage', 'run-stage\n'])(
    'rejects %j',
    (name) => {
      expect(() => assertQueueName(name)).toThrow(/kebab-case verb-noun/);
    },
  );

  it('never uses the head-of-line-blocking singleton/stately policies', () => {
    for (const name of queueNames) expect(['standard', 'short']).toContain(queues[name].policy);
  });

  it('knows only catalogue names', () => {
    expect(isQueueName('run-stage')).toBe(true);
    expect(isQueueName('toString')).toBe(false);
  });

  it('keeps run-stage expiry above any talk and singleton per room', () => {
    expect(queues['run-stage'].expireInSeconds).toBeGreaterThanOrEqual(4 * 3600);
    expect(queues['run-stage'].policy).toBe('standard');
    expect(queues['run-stage'].exclusive).toBe(true);
    expect(
      queues['run-stage'].singletonKey?.({
        jobRecordId: roomId,
        roomId,
        talkId: null,
        role: 'clock',
        startsAt: '2025-01-01T10:00:00Z',
        durationSeconds: 60,
      }),
    ).toBe(`room:${roomId}:clock`);
  });
});

describe('payload schemas', () => {
  it('accepts a valid run-stage payload and rejects missing or malformed fields', () => {
    const schema = queues['run-stage'].payload;
    expect(
      schema.safeParse({
        jobRecordId: roomId,
        roomId,
        talkId: null,
        startsAt: '2025-12-27T10:00:00+01:00',
        durationSeconds: 1800,
      }).success,
    ).toBe(true);
    const bad = schema.safeParse({ jobRecordId: 'x', roomId, startsAt: 'tomorrow', durationSeconds: -1 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual([
      'durationSeconds',
      'jobRecordId',
      'startsAt',
      'talkId',
    ]);
  });

  it('defaults the run-stage role to broadcast and rejects unknown roles', () => {
    const schema = queues['run-stage'].payload;
    const base = { jobRecordId: roomId, roomId, talkId: null, startsAt: '2025-12-27T10:00:00Z', durationSeconds: 60 };
    expect(schema.parse(base).role).toBe('broadcast');
    expect(schema.safeParse({ ...base, role: 'dj' }).success).toBe(false);
    expect(queues['stop-stage'].singletonKey?.({ roomId, reason: 'operator' })).toBe(`room:${roomId}:all`);
  });

  it('limits stop-stage reasons and sync-schedule URLs', () => {
    expect(queues['stop-stage'].payload.safeParse({ roomId, reason: 'bored' }).success).toBe(false);
    expect(
      queues['sync-schedule'].payload.safeParse({ conferenceId: roomId, scheduleUrl: 'file:///etc/passwd' }).success,
    ).toBe(false);
    expect(
      queues['sync-schedule'].payload.safeParse({
        conferenceId: roomId,
        scheduleUrl: 'https://example.org/schedule.json',
      }).success,
    ).toBe(true);
  });
});

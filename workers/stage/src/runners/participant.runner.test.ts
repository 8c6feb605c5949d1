import { silentLogger } from '@stagecast/jobs';
import { describe, expect, it } from 'vitest';
import { createParticipantRunner } from './participant.runner.js';
import { StageError, createRunnerRegistry, type StageJob } from './types.js';

const job = { role: 'broadcast' } as StageJob;
const ctx = { signal: new AbortController().signal, logger: silentLogger, reportStatus: async () => {} };

describe('participant runners', () => {
  it('fail permanently with a named missing dependency when no Jitsi participant runtime is wired', async () => {
    const error = await createParticipantRunner('broadcast')
      .run(job, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StageError);
    expect(error).toMatchObject({ reason: 'missing-dependency', permanent: true });
    expect((error as Error).message).toContain('Jitsi participant runtime');
  });

  it('delegate to an injected runtime', async () => {
    const seen: string[] = [];
    await createParticipantRunner('playout', { runRole: async (j) => void seen.push(j.role) }).run(
      { ...job, role: 'playout' },
      ctx,
    );
    expect(seen).toEqual(['playout']);
  });

  it('refuses two runners for one role', () => {
    expect(() =>
      createRunnerRegistry([createParticipantRunner('playout'), createParticipantRunner('playout')]),
    ).toThrow(/two runners/);
  });
});

/**
 * Pure helpers of the live page's playout controls: which organizer controls apply in a reported playout state (the
 * engine's rules, packages/media playout-source.ts `control()`), and media positions as mm:ss.
 */
export const playoutActions = ['startNow', 'pause', 'resume', 'skip', 'stop', 'restart'] as const;
export type PlayoutAction = (typeof playoutActions)[number];

/**
 * Controls offered per engine playout state. The engine also treats a few others as harmless no-ops (start now while
 * playing, stop while stopped); the page does not offer those.
 */
const enabledIn: Record<PlayoutAction, readonly string[]> = {
  startNow: ['scheduled', 'ended', 'stopped', 'failed'],
  pause: ['playing'],
  resume: ['paused'],
  skip: ['scheduled', 'playing', 'paused'],
  stop: ['scheduled', 'playing', 'paused', 'ended', 'failed'],
  restart: ['scheduled', 'playing', 'paused', 'ended', 'stopped', 'failed'],
};

/** Whether the control is offered for this reported playout state (null: unknown / not running → none). */
export function playoutActionEnabled(action: PlayoutAction, state: string | null): boolean {
  return state !== null && enabledIn[action].includes(state);
}

/** 83_400 → "01:23"; an hour or more → "1:01:23"; unknown → "--:--". */
export function formatPosition(ms: number | null | undefined): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return '--:--';
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

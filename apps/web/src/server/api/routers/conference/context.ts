import type { ConferenceRepository } from '@stagecast/db';

/** What the conference procedures need from the request context (a subset, so unit tests pass fakes). */
export interface ConferenceContext {
  conferences: Pick<ConferenceRepository, 'listWithRoomsAndTalks' | 'getBySlug'>;
  now: () => Date;
}

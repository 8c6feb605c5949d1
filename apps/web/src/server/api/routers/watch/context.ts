import type { PublicRoomRepository } from '@stagecast/db';

/** What the watch procedures need from the request context (a subset, so unit tests pass fakes). */
export interface WatchContext {
  publicRooms: Pick<PublicRoomRepository, 'getByPublicSlug'>;
}

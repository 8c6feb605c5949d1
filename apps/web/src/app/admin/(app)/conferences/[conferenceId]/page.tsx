import { DayTimeline } from '../../../../../components/admin/day-timeline.js';
import { orNotFound, requireAdminSession } from '../../../../../server/auth/rsc.js';

export default async function ConferenceTimelinePage({ params }: { params: Promise<{ conferenceId: string }> }) {
  const { conferenceId } = await params;
  const { api } = await requireAdminSession();
  const [conference, { rooms }, { talks }] = await orNotFound(
    Promise.all([
      api.adminConference.get({ conferenceId }),
      api.room.list({ conferenceId }),
      api.talk.list({ conferenceId }),
    ]),
  );
  return (
    <DayTimeline
      timeZone={conference.timeZone}
      rooms={rooms.map((r) => ({ id: r.id, name: r.name }))}
      talks={talks.map((t) => ({
        id: t.id,
        title: t.title,
        speakers: t.speakers,
        roomId: t.roomId,
        startsAt: t.startsAt,
        durationSeconds: t.durationSeconds,
        hasVideo: t.video !== null,
      }))}
    />
  );
}

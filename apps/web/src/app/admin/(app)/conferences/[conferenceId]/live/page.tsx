import { LivePanel } from '../../../../../../components/admin/live-panel.js';
import { orNotFound, requireAdminSession } from '../../../../../../server/auth/rsc.js';

export default async function LivePage({ params }: { params: Promise<{ conferenceId: string }> }) {
  const { conferenceId } = await params;
  const { api } = await requireAdminSession();
  const [conference, { talks }] = await orNotFound(
    Promise.all([api.adminConference.get({ conferenceId }), api.talk.list({ conferenceId })]),
  );
  return (
    <LivePanel
      conferenceId={conferenceId}
      timeZone={conference.timeZone}
      talks={talks.map((t) => ({
        id: t.id,
        title: t.title,
        roomId: t.roomId,
        startsAt: t.startsAt,
        hasVideo: t.video !== null,
      }))}
    />
  );
}

import { TalksPanel } from '../../../../../../components/admin/talks-panel.js';
import { orNotFound, requireAdminSession } from '../../../../../../server/auth/rsc.js';

export default async function TalksPage({ params }: { params: Promise<{ conferenceId: string }> }) {
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
    <TalksPanel
      conferenceId={conferenceId}
      timeZone={conference.timeZone}
      rooms={rooms.map((r) => ({ id: r.id, name: r.name }))}
      talks={talks}
    />
  );
}

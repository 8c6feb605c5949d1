import { ImportPanel } from '../../../../../../components/admin/import-panel.js';
import { orNotFound, requireAdminSession } from '../../../../../../server/auth/rsc.js';

export default async function ImportPage({ params }: { params: Promise<{ conferenceId: string }> }) {
  const { conferenceId } = await params;
  const { api } = await requireAdminSession();
  const conference = await orNotFound(api.adminConference.get({ conferenceId }));
  return <ImportPanel conferenceId={conferenceId} timeZone={conference.timeZone} />;
}

import { ConferenceSettings } from '../../../../../../components/admin/conference-settings.js';
import { orNotFound, requireAdminSession } from '../../../../../../server/auth/rsc.js';

export default async function SettingsPage({ params }: { params: Promise<{ conferenceId: string }> }) {
  const { conferenceId } = await params;
  const { auth, api } = await requireAdminSession();
  const conference = await orNotFound(api.adminConference.get({ conferenceId }));
  return <ConferenceSettings conference={conference} canDelete={auth.user.isAdmin} />;
}

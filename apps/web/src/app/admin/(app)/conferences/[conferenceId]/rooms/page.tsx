import { RoomsPanel } from '../../../../../../components/admin/rooms-panel.js';
import { orNotFound, requireAdminSession } from '../../../../../../server/auth/rsc.js';

export default async function RoomsPage({ params }: { params: Promise<{ conferenceId: string }> }) {
  const { conferenceId } = await params;
  const { api } = await requireAdminSession();
  const { rooms } = await orNotFound(api.room.list({ conferenceId }));
  return <RoomsPanel conferenceId={conferenceId} rooms={rooms} />;
}

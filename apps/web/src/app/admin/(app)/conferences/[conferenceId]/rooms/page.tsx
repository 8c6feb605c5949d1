import { RoomsPanel } from '../../../../../../components/admin/rooms-panel.js';
import { requireAdminSession } from '../../../../../../server/auth/rsc.js';

export default async function RoomsPage({ params }: { params: Promise<{ conferenceId: string }> }) {
  const { conferenceId } = await params;
  const { api } = await requireAdminSession();
  const { rooms } = await api.room.list({ conferenceId });
  return <RoomsPanel conferenceId={conferenceId} rooms={rooms} />;
}

import { serverEnv } from '../../../../../../env.js';
import { handleVideoUpload } from '../../../../../../server/admin/upload-route.js';
import { createContext } from '../../../../../../server/runtime.js';

export const dynamic = 'force-dynamic';
export const runtime = 'nodejs';

export async function POST(request: Request, { params }: { params: Promise<{ talkId: string }> }) {
  const { talkId } = await params;
  const env = serverEnv();
  const ctx = createContext('upload', { req: request });
  return handleVideoUpload(request, talkId, ctx, { storageDir: env.VIDEO_STORAGE_DIR, maxBytes: env.VIDEO_MAX_BYTES });
}

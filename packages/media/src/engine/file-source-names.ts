/** Element names shared by builders/send.ts (pure) and engine/file-source.ts (GStreamer). */
export const FILE_CONCAT = { video: 'stagecast_file_video', audio: 'stagecast_file_audio' } as const;

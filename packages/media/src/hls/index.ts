export { HlsPlaylist, parsePlaylist, type HlsSegment, type HlsPlaylistOptions, type ParsedPlaylist } from './playlist.js';
export {
  OriginUploader,
  OriginUploadError,
  contentTypeFor,
  type OriginUploaderOptions,
  type OriginUploaderStats,
} from './origin-uploader.js';
export { HlsPublisher, type HlsPublisherOptions, type ClosedSegment, type HlsPublisherStats } from './hls-publisher.js';

export {
  HlsPlaylist,
  parsePlaylist,
  type HlsSegment,
  type HlsPlaylistOptions,
  type ParsedPlaylist,
} from './playlist.js';
export {
  OriginUploader,
  OriginUploadError,
  contentTypeFor,
  type OriginUploaderOptions,
  type OriginUploaderStats,
} from './origin-uploader.js';
export {
  HlsPublisher,
  sequenceBase,
  type HlsPublisherOptions,
  type ClosedSegment,
  type HlsPublisherStats,
} from './hls-publisher.js';
export {
  AAC_LC_CODEC,
  avc1Codec,
  compositeVideoCodec,
  x264Profile,
  h264Level,
  parseMasterPlaylist,
  renderMasterPlaylist,
  type H264Level,
  type MasterVariant,
} from './codecs.js';

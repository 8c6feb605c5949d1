/** Public surface of the broadcast composite (pure parts; the engine side is reached through EngineClient.request). */
export {
  computeLayout,
  constraintsForTiles,
  OFFSCREEN_PREVIEW_HEIGHT,
  gridTiles,
  layerFor,
  layoutKindSchema,
  type Canvas,
  type LayoutInput,
  type LayoutKind,
  type LayoutResult,
  type LayoutSource,
  type SourceConstraints,
  type Tile,
} from './layout.js';
export { SpeakerTracker, type SpeakerTrackerOptions } from './speaker-tracker.js';
export { compositeReceiveSpec, channelFor } from './descriptions.js';
export {
  canvasSchema,
  slateSchema,
  compositeStartSchema,
  compositeSourceSchema,
  layoutSetSchema,
  outputSpecSchema,
  renditionSchema,
  type CanvasSpec,
  type SlateSpec,
  type CompositeStart,
  type CompositeSource,
  type CompositeStats,
  type LayoutSet,
  type OutputSpec,
  type OutputSpecParsed,
  type OutputKind,
  type OutputState,
  type OutputStats,
  type Rendition,
} from './protocol.js';
export { redactUrl, rtmpLocation } from '../outputs/descriptions.js';
export {
  HlsPublisher,
  HlsPlaylist,
  OriginUploader,
  parsePlaylist,
  type HlsPublisherOptions,
  type HlsPublisherStats,
  type ClosedSegment,
  type OriginUploaderStats,
} from '../hls/index.js';

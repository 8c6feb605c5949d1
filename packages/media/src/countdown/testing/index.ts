/** Countdown test helpers, for `@stagecast/media/testing` (renderer spawn + renderer-independent OCR read-back). */
export {
  probeFramePtsNs,
  defaultCrops,
  extractFrames,
  ocrLine,
  mapLimit,
  parseHms,
  expectedCountdown,
  measureTransitions,
  type Crop,
  type MeasureOptions,
  type TransitionResult,
} from './frame-reader.js';
export { renderCountdown, rendererEntry, type RenderResult } from './run-renderer.js';

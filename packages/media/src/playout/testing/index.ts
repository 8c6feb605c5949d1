export {
  makeTestTalk,
  classifyFrames,
  readFrameNumbers,
  measureStart,
  segments,
  mainSegments,
  countdownTransitionDelays,
  DEFAULT_COLOURS,
  type Layer,
  type LayerColours,
  type Segment,
  type StartMeasurement,
} from './frame-analysis.js';
export { renderPlayout, type PlayoutRenderResult, type PlayoutRenderLine } from './run-render.js';

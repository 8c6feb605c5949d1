/**
 * Countdown clock source (issue 6). Safe to re-export from the package index: nothing here loads node-gtk (the engine
 * injects its GI modules into CountdownSource). The renderer (render-countdown.*) and testing/ are not exported here.
 */
export {
  CountdownSource,
  countdownBinDescription,
  type CountdownGi,
  type CountdownSourceOptions,
  type CountdownSourceEvents,
  type CountdownSourceStats,
} from './countdown-source.js';
export {
  countdownStyleSchema,
  countdownTargetSchema,
  countdownLabelsSchema,
  countdownLogoSchema,
  countdownBeepsSchema,
  pctToPangoSize,
  type CountdownStyle,
  type CountdownStyleInput,
  type CountdownTarget,
  type CountdownTargetInput,
  type CountdownLabels,
} from './countdown-style.js';
export {
  countdownSecondText,
  escapeMarkup,
  formatHms,
  formatWallClock,
  remainingSeconds,
  truncate,
  type CountdownSecondText,
} from './countdown-text.js';
export { CountdownError, type CountdownErrorReason } from './errors.js';

/**
 * Scheduled playout (issue 8). Safe to re-export from the package index: nothing here loads node-gtk (the engine
 * injects its GI modules into PlayoutSource; engine-playout.ts and render-playout.* are engine-only).
 */
export {
  playoutSourceSchema,
  playoutAfterSchema,
  playoutSlateSchema,
  playoutHoldSchema,
  playoutStateSchema,
  playoutActionSchema,
  playoutStatusSchema,
  latePolicySchema,
  instantSchema,
  type PlayoutSourceInput,
  type PlayoutSource as PlayoutSpec,
  type PlayoutAfter,
  type PlayoutHold,
  type PlayoutState,
  type PlayoutAction,
  type PlayoutStatus,
  type LatePolicy,
} from './playout-spec.js';
export { planStart, positionAt, effectiveStart, endedEarly, type StartPlan, type PlanInput } from './playout-plan.js';
export { playoutSkeletonDescription, PLAYOUT_COMPOSITOR, PLAYOUT_MIXER } from './playout-source.js';
export { PlayoutError, type PlayoutErrorReason } from './errors.js';

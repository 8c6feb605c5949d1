/**
 * @stagecast/participant: the shared composition of @stagecast/jitsi and @stagecast/media into a running participant
 * (used by apps/cli and workers/stage). Only composition roots connect jitsi and media (architecture.md §3); this
 * package is that composition, written once.
 */
export {
  startParticipant,
  ParticipantHandle,
  type StartParticipantOptions,
  type MeetingOptions,
  type ParticipantHandleEvents,
  type RemoteParticipant,
  type ReceivedSource,
  type ParticipantStats,
  type SourceRate,
  type LeftReason,
} from './participant.js';
export { ParticipantError, type ParticipantErrorReason } from './errors.js';
export { receiverConstraints, type ReceiveVideoOptions, type ReceiverConstraints } from './receive-constraints.js';
export { backoffRestartPolicy, type EngineRestartPolicy, type BackoffOptions } from './restart-policy.js';
export { SupervisedMediaPort } from './supervised-media-port.js';
export { waitForEvent } from './events.js';
export {
  startBroadcast,
  BroadcastHandle,
  broadcastOutputsSchema,
  type BroadcastOptions,
  type BroadcastOutputs,
  type BroadcastStats,
  type BroadcastEvents,
  type BroadcastLayout,
  type AutoLayoutSwitch,
} from './broadcast.js';
export {
  decideAutoLayout,
  sameAutoLayout,
  DEFAULT_AUTO_LEAD_MS,
  DEFAULT_AUTO_START_GRACE_MS,
  DEFAULT_AUTO_TAIL_MS,
  type AutoLayout,
  type AutoLayoutDecision,
  type AutoLayoutInput,
  type AutoLayoutOptions,
  type AutoLayoutReason,
  type AutoLayoutSource,
} from './auto-layout.js';
export {
  PLAYOUT_PRESENCE_NAME,
  PLAYOUT_PRESENCE_NS,
  playoutPresenceExtension,
  parsePlayoutPresence,
  readPlayoutPresence,
  roomPlayouts,
  type PlayoutPresence,
  type RoomPlayout,
} from './playout-presence.js';
export { startClock, ClockHandle, CLOCK_NICK, type StartClockOptions, type ClockHandleEvents } from './clock.js';
export {
  clockTalkSchema,
  clockTalkFromSchedule,
  countdownTalkAt,
  dueReminders,
  subjectText,
  reminderText,
  humanDuration,
  nextWakeAt,
  type ClockTalk,
  type ClockTalkInput,
  type DueReminder,
} from './clock-plan.js';
export {
  startPlayout,
  PlayoutHandle,
  type StartPlayoutOptions,
  type PlayoutHandleEvents,
  type PlayoutStateChange,
  type PlayoutLateStart,
  type PlayoutAlert,
} from './playout.js';

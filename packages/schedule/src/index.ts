// Public API of @stagecast/schedule: network-free parsing of frab/pretalx/wafer schedules into one model, explicit
// room mapping, import planning by guid, and the pure room state / countdown functions.
export { parseSchedule, parseScheduleOptionsSchema, type ParseScheduleOptions } from './parse.js';
export { detectFormat } from './formats/detect.js';
export {
  ScheduleParseError,
  RoomMappingError,
  PlanImportError,
  type ScheduleIssue,
  type ScheduleParseReason,
  type ScheduleFormat,
  type RoomMappingReason,
  type PlanImportReason,
} from './errors.js';
export {
  scheduleSchema,
  talkSchema,
  roomSchema,
  daySchema,
  conferenceSchema,
  speakerSchema,
  instantSchema,
  scheduleWarningSchema,
  talkEndMs,
  type Schedule,
  type Talk,
  type Room,
  type Day,
  type Conference,
  type Speaker,
  type Instant,
  type ScheduleWarning,
} from './model.js';
export {
  mapRooms,
  roomMappingSchema,
  type RoomMapping,
  type MapRoomsOptions,
  type MappedTalk,
  type RoomMappingResult,
} from './room-mapping.js';
export {
  planImport,
  PLAN_FIELDS,
  type PlanField,
  type PlannableTalk,
  type FieldChange,
  type ImportPlan,
} from './plan-import.js';
export {
  roomStateAt,
  nextTransitionAt,
  formatCountdown,
  DEFAULT_SESSION_GAP_MS,
  type TimedTalk,
  type RoomPhase,
  type RoomState,
  type RoomStateOptions,
  type InstantInput,
} from './state.js';
export { formatInZone, isValidTimeZone, zoneOffsetMinutes, parseDuration } from './time.js';
export { deriveGuid, uuidV5, STAGECAST_GUID_NAMESPACE } from './guid.js';

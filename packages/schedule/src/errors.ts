/**
 * Typed errors of @stagecast/schedule. Every problem carries a machine-readable `reason`, where it is (line, column,
 * field path) and a message that says how to fix it. Parsing collects all field problems up to a limit, then throws
 * once: nothing partial is ever returned.
 */

export type ScheduleParseReason =
  | 'input-too-large'
  | 'invalid-encoding'
  | 'unknown-format'
  | 'malformed-xml'
  | 'malformed-json'
  | 'missing-field'
  | 'invalid-field'
  | 'unknown-time-zone'
  | 'duplicate-guid';

export type ScheduleFormat = 'frab-xml' | 'frab-json' | 'wafer-xml';

/** One problem in a schedule document. `line`/`column` are 1-based; absent when the input has no position. */
export interface ScheduleIssue {
  reason: ScheduleParseReason;
  /** XPath-like (`/schedule/day[1]/room[2]/event[3]/duration`) or JSON path (`schedule.conference.days[0]…`). */
  path: string;
  line?: number;
  column?: number;
  /** What is wrong and how to fix it. */
  message: string;
}

function locationText(issue: ScheduleIssue): string {
  const where =
    issue.line === undefined ? '' : `line ${issue.line}${issue.column === undefined ? '' : `:${issue.column}`} `;
  return `${where}(${issue.path || '/'}): ${issue.message}`;
}

export class ScheduleParseError extends Error {
  override name = 'ScheduleParseError';
  readonly code = 'schedule-parse';
  /** Reason of the first issue (the one a user should fix first). */
  readonly reason: ScheduleParseReason;
  readonly line: number | undefined;
  readonly column: number | undefined;
  readonly path: string;
  readonly issues: readonly ScheduleIssue[];
  /** Issues found beyond the collection limit (counted, not kept). */
  readonly omittedIssues: number;
  readonly format: ScheduleFormat | undefined;

  constructor(
    issues: readonly ScheduleIssue[],
    options: { omittedIssues?: number; format?: ScheduleFormat | undefined; cause?: unknown } = {},
  ) {
    const first = issues[0];
    if (!first) throw new TypeError('ScheduleParseError needs at least one issue');
    const omitted = options.omittedIssues ?? 0;
    const total = issues.length + omitted;
    const head =
      total === 1
        ? `Schedule rejected: ${locationText(first)}`
        : `Schedule rejected, ${total} problems:\n${issues.map((i) => `  - ${locationText(i)}`).join('\n')}` +
          (omitted > 0 ? `\n  … and ${omitted} more (fix these first, then re-import)` : '');
    super(head, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = first.reason;
    this.line = first.line;
    this.column = first.column;
    this.path = first.path;
    this.issues = issues;
    this.omittedIssues = omitted;
    this.format = options.format;
  }

  static single(issue: ScheduleIssue, format?: ScheduleFormat, cause?: unknown): ScheduleParseError {
    return new ScheduleParseError([issue], { format, cause });
  }

  static unknownFormat(message: string): ScheduleParseError {
    return ScheduleParseError.single({ reason: 'unknown-format', path: '', message });
  }
}

/** Collects issues up to `limit`; the rest are only counted. */
export class IssueCollector {
  readonly issues: ScheduleIssue[] = [];
  omitted = 0;
  constructor(readonly limit: number) {}

  add(issue: ScheduleIssue): void {
    if (this.issues.length < this.limit) this.issues.push(issue);
    else this.omitted += 1;
  }

  get count(): number {
    return this.issues.length + this.omitted;
  }

  throwIfAny(format: ScheduleFormat | undefined): void {
    if (this.issues.length > 0) throw new ScheduleParseError(this.issues, { omittedIssues: this.omitted, format });
  }
}

export type RoomMappingReason = 'unmapped-rooms' | 'invalid-mapping';

export class RoomMappingError extends Error {
  override name = 'RoomMappingError';
  readonly code = 'room-mapping';
  constructor(
    readonly reason: RoomMappingReason,
    message: string,
    readonly unmappedRooms: readonly { name: string; talkCount: number }[] = [],
  ) {
    super(message);
  }

  static unmapped(rooms: readonly { name: string; talkCount: number }[]): RoomMappingError {
    const list = rooms.map((r) => `"${r.name}" (${r.talkCount} talk${r.talkCount === 1 ? '' : 's'})`).join(', ');
    return new RoomMappingError(
      'unmapped-rooms',
      `Schedule rooms without a mapping: ${list}. Map each to a room key, or list it in ignoreRooms to skip its talks.`,
      rooms,
    );
  }
}

export type PlanImportReason = 'duplicate-guid';

export class PlanImportError extends Error {
  override name = 'PlanImportError';
  readonly code = 'plan-import';
  constructor(
    readonly reason: PlanImportReason,
    message: string,
  ) {
    super(message);
  }

  static duplicateGuid(side: 'existing' | 'incoming', guid: string): PlanImportError {
    return new PlanImportError(
      'duplicate-guid',
      `The ${side} talks contain guid "${guid}" twice; guids must be unique per conference. ` +
        (side === 'existing' ? 'Repair the stored talks first.' : 'Parse incoming talks with parseSchedule().'),
    );
  }
}

/**
 * ReceiverVideoConstraints from the user's receive options (docs/jitsi-protocol.md §11): keys are SOURCE names
 * (`<ep>-v0` camera, `<ep>-v1` screen share), never endpoint ids; `defaultConstraints` is always sent because
 * without it the bridge assumes 180p, and JVB forwards nothing before the first message.
 */
import type { ParticipantOptions } from '@stagecast/jitsi';

export type ReceiverConstraints = NonNullable<ParticipantOptions['receiveVideo']>;

export interface ReceiveVideoOptions {
  /** Height we ask the bridge for (0 = no video, -1 = unlimited). Default 720. */
  maxHeight?: number;
  /** How many video sources the bridge forwards (-1 = all). Default -1. */
  lastN?: number;
  /** Endpoints whose video we want first (and at full height) when last-N limits what is forwarded. */
  selectedEndpoints?: readonly string[];
}

export function receiverConstraints(o: ReceiveVideoOptions = {}): ReceiverConstraints {
  const maxHeight = o.maxHeight ?? 720;
  const selected = [...new Set(o.selectedEndpoints ?? [])].flatMap((ep) => [`${ep}-v0`, `${ep}-v1`]);
  const c: ReceiverConstraints = { lastN: o.lastN ?? -1, defaultConstraints: { maxHeight } };
  if (selected.length > 0) {
    c.selectedSources = selected;
    c.onStageSources = selected;
    c.constraints = Object.fromEntries(selected.map((s) => [s, { maxHeight }]));
  }
  return c;
}

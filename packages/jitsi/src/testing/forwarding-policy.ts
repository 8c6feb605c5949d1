/**
 * Which video sources a JVB forwards to a receiver, from the receiver's ReceiverVideoConstraints
 * (docs/jitsi-protocol.md §11; JVB `BitrateController` / `ReceiverConstraintsMessage` semantics, simplified to
 * "forwarded or not" — the testbed has no simulcast layers):
 * - nothing before the first message (`cc.initial-max-height-px = 0`);
 * - fields are sticky; a first message without `defaultConstraints` means 180p;
 * - a source is forwarded unless its height (its own constraint, else the default) is 0;
 * - `lastN` ≥ 0 keeps that many, on-stage sources first, then selected ones, then the rest in conference order.
 */
import type { ReceiverVideoConstraints } from '../colibri/messages.js';

export interface ReceiverVideoState {
  /** False until the first ReceiverVideoConstraints: nothing is forwarded. */
  received: boolean;
  lastN: number;
  onStage: string[];
  selected: string[];
  defaultMaxHeight: number;
  constraints: Record<string, number>;
}

/** JVB's default before a first message that has no `defaultConstraints`. */
const IMPLICIT_DEFAULT_HEIGHT = 180;

export function initialReceiverVideoState(): ReceiverVideoState {
  return { received: false, lastN: -1, onStage: [], selected: [], defaultMaxHeight: 0, constraints: {} };
}

/** Merges a message into the state (sticky fields: what is absent keeps its value). */
export function applyReceiverConstraints(
  state: ReceiverVideoState,
  msg: Omit<ReceiverVideoConstraints, 'colibriClass'>,
): ReceiverVideoState {
  const defaultMaxHeight =
    msg.defaultConstraints?.maxHeight ?? (state.received ? state.defaultMaxHeight : IMPLICIT_DEFAULT_HEIGHT);
  return {
    received: true,
    lastN: msg.lastN ?? state.lastN,
    onStage: msg.onStageSources ?? state.onStage,
    selected: msg.selectedSources ?? state.selected,
    defaultMaxHeight,
    constraints: msg.constraints
      ? Object.fromEntries(Object.entries(msg.constraints).map(([name, c]) => [name, c.maxHeight]))
      : state.constraints,
  };
}

/** The forwarded subset of `candidates` (the other endpoints' video sources, in conference order). */
export function forwardedVideoSources(state: ReceiverVideoState, candidates: readonly string[]): string[] {
  if (!state.received) return [];
  const wanted = candidates.filter((name) => (state.constraints[name] ?? state.defaultMaxHeight) !== 0);
  const rank = (name: string) => {
    const stage = state.onStage.indexOf(name);
    if (stage >= 0) return stage;
    const selected = state.selected.indexOf(name);
    if (selected >= 0) return 1_000 + selected;
    return 2_000 + candidates.indexOf(name);
  };
  const ordered = [...wanted].sort((a, b) => rank(a) - rank(b));
  return state.lastN >= 0 ? ordered.slice(0, state.lastN) : ordered;
}

/**
 * Import plan keyed by guid: what to create, update (with the changed fields), leave alone, and which stored talks
 * disappeared upstream. Pure and deterministic; the DB layer applies it in one transaction. Re-importing the same
 * document yields only `unchanged`. Talks missing upstream are reported, never deleted — when a new talk shares
 * their `code` or `slug` (a producer that re-issued the guid) the likely replacement is named.
 *
 * Only fields present on the stored talk are compared (a store that does not keep `description` does not see it as
 * changed on every import). `start` compares the instant (`start.epochMs`), not its wall-clock spelling.
 */
import { PlanImportError } from './errors.js';

export const PLAN_FIELDS = [
  'externalId',
  'code',
  'slug',
  'title',
  'subtitle',
  'speakers',
  'room',
  'roomKey',
  'start',
  'durationSeconds',
  'language',
  'track',
  'type',
  'recordingOptOut',
  'url',
  'abstract',
  'description',
] as const;
export type PlanField = (typeof PLAN_FIELDS)[number];

export interface PlannableTalk {
  guid: string;
  code?: string | null;
  slug?: string | null;
  start?: { epochMs: number; utc?: string };
}

export interface FieldChange {
  field: PlanField;
  from: unknown;
  to: unknown;
}

export interface ImportPlan<E extends PlannableTalk, I extends PlannableTalk> {
  create: I[];
  update: { guid: string; existing: E; incoming: I; changes: FieldChange[] }[];
  unchanged: { guid: string; existing: E; incoming: I }[];
  removedUpstream: {
    guid: string;
    existing: E;
    likelyReplacedBy: { guid: string; matchedBy: 'code' | 'slug' } | null;
  }[];
}

/** JSON with sorted object keys, for order-insensitive deep equality of plain data. */
function canonical(value: unknown): string {
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function fieldValue(talk: PlannableTalk, field: PlanField): unknown {
  if (field === 'start') return talk.start?.epochMs;
  return (talk as unknown as Record<string, unknown>)[field];
}

function display(talk: PlannableTalk, field: PlanField): unknown {
  if (field === 'start') return talk.start?.utc ?? (talk.start ? new Date(talk.start.epochMs).toISOString() : null);
  return fieldValue(talk, field) ?? null;
}

function indexByGuid<T extends PlannableTalk>(talks: readonly T[], side: 'existing' | 'incoming'): Map<string, T> {
  const map = new Map<string, T>();
  for (const t of talks) {
    if (map.has(t.guid)) throw PlanImportError.duplicateGuid(side, t.guid);
    map.set(t.guid, t);
  }
  return map;
}

export function planImport<E extends PlannableTalk, I extends PlannableTalk>(
  existingTalks: readonly E[],
  incomingTalks: readonly I[],
): ImportPlan<E, I> {
  const existing = indexByGuid(existingTalks, 'existing');
  const incoming = indexByGuid(incomingTalks, 'incoming');
  const plan: ImportPlan<E, I> = { create: [], update: [], unchanged: [], removedUpstream: [] };

  for (const inc of incomingTalks) {
    const old = existing.get(inc.guid);
    if (!old) {
      plan.create.push(inc);
      continue;
    }
    const changes: FieldChange[] = [];
    for (const field of PLAN_FIELDS) {
      if (fieldValue(old, field) === undefined && !(field in old)) continue; // the store does not keep this field
      if (canonical(fieldValue(old, field)) !== canonical(fieldValue(inc, field))) {
        changes.push({ field, from: display(old, field), to: display(inc, field) });
      }
    }
    if (changes.length > 0) plan.update.push({ guid: inc.guid, existing: old, incoming: inc, changes });
    else plan.unchanged.push({ guid: inc.guid, existing: old, incoming: inc });
  }

  for (const old of existingTalks) {
    if (incoming.has(old.guid)) continue;
    let likelyReplacedBy: { guid: string; matchedBy: 'code' | 'slug' } | null = null;
    for (const created of plan.create) {
      if (old.code && created.code === old.code) likelyReplacedBy = { guid: created.guid, matchedBy: 'code' };
      else if (!likelyReplacedBy && old.slug && created.slug === old.slug)
        likelyReplacedBy = { guid: created.guid, matchedBy: 'slug' };
      if (likelyReplacedBy?.matchedBy === 'code') break;
    }
    plan.removedUpstream.push({ guid: old.guid, existing: old, likelyReplacedBy });
  }
  return plan;
}

// Paths and loaders for the schedule fixture documents in packages/schedule/test/fixtures (Node only).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SCHEDULE_FIXTURES = [
  'pretalx-chatham.xml',
  'frab-st-johns.json',
  'frab-berlin-dst.xml',
  'wafer-kathmandu.xml',
] as const;
export type ScheduleFixture = (typeof SCHEDULE_FIXTURES)[number];

export function scheduleFixturePath(name: string): string {
  return fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
}

export function readScheduleFixture(name: string): string {
  return readFileSync(scheduleFixturePath(name), 'utf8');
}

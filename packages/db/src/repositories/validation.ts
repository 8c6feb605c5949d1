import { z } from 'zod';
import { DbError } from '../errors.js';

export const slugSchema = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single dashes (e.g. main-hall)')
  .max(64);

export const ianaTimeZoneSchema = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return zone.includes('/') || zone === 'UTC';
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as Europe/Berlin or UTC' },
);

export const isoDateSchema = z.iso.date({ message: 'must be a date like 2025-12-27' });

export const uuidSchema = z.uuid({ message: 'must be a UUID' });

/** Parses repository input; a failure becomes DbError('invalid-input') naming every bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, entity: string): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.') || 'value'} ${issue.message}`)
      .join('; ');
    throw DbError.invalidInput(entity, problems, result.error);
  }
  return result.data;
}

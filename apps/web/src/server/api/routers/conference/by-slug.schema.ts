import { z } from 'zod';
import { conferenceSummarySchema, dayViewSchema } from './views.schema.js';

export const bySlugInputSchema = z.object({
  slug: z
    .string()
    .min(1, 'slug is required')
    .max(64)
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'slug must be lower-case letters, digits and single dashes, e.g. demo-conf'),
});
export type BySlugInput = z.infer<typeof bySlugInputSchema>;

export const bySlugOutputSchema = conferenceSummarySchema.extend({
  /** One entry per day with talks, in order; each lists every room (empty rooms included) and unassigned talks. */
  days: z.array(dayViewSchema),
});
export type BySlugOutput = z.infer<typeof bySlugOutputSchema>;

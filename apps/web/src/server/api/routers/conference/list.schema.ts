import { z } from 'zod';
import { conferenceSummarySchema, dayViewSchema } from './views.schema.js';

/** conference.list takes no input. */
export const listInputSchema = z.void();

export const listOutputSchema = z.object({
  conferences: z.array(
    conferenceSummarySchema.extend({
      /** Today's schedule if there are talks today, else the next (or last) day with talks; null without talks. */
      featured: dayViewSchema.extend({ isToday: z.boolean() }).nullable(),
    }),
  ),
});
export type ListOutput = z.infer<typeof listOutputSchema>;

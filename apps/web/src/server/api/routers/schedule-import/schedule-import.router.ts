import { type TRPCRouterRecord } from '@trpc/server';
import { conferenceProcedure } from '../../trpc.js';
import { applyHandler, previewHandler } from './schedule-import.handler.js';
import {
  applyInputSchema,
  applyOutputSchema,
  previewInputSchema,
  previewOutputSchema,
} from './schedule-import.schema.js';

export const scheduleImportRouter = {
  /** Parses the document and shows what an import would change; stores nothing (a mutation: large input, may fetch). */
  preview: conferenceProcedure(previewInputSchema, (input) => input.conferenceId)
    .output(previewOutputSchema)
    .mutation(({ ctx, input }) => previewHandler({ ctx, input })),
  apply: conferenceProcedure(applyInputSchema, (input) => input.conferenceId)
    .output(applyOutputSchema)
    .mutation(({ ctx, input }) => applyHandler({ ctx, input })),
} satisfies TRPCRouterRecord;

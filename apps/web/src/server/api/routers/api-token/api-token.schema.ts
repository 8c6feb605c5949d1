import { z } from 'zod';

export const apiTokenViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** First characters only (`sct_ab12cd`); the token itself is shown once, at creation. */
  prefix: z.string(),
  createdAt: z.date(),
  lastUsedAt: z.date().nullable(),
  expiresAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});

export const createApiTokenInputSchema = z.object({
  name: z.string().trim().min(1, 'give the token a name, e.g. "schedule bot"').max(100),
  expiresInDays: z.number().int().min(1).max(3650).nullable().default(null),
});

export const createApiTokenOutputSchema = z.object({
  token: z.string(),
  view: apiTokenViewSchema,
});

export const revokeApiTokenInputSchema = z.object({ id: z.uuid() });

import { z } from 'zod';

export const signInInputSchema = z.object({
  email: z.string().trim().min(1, 'enter your e-mail').max(320),
  password: z.string().min(1, 'enter your password').max(256),
});
export type SignInInput = z.infer<typeof signInInputSchema>;

export const sessionUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  isAdmin: z.boolean(),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const signInOutputSchema = z.object({ user: sessionUserSchema, csrfToken: z.string() });

export const meOutputSchema = z.object({
  user: sessionUserSchema.nullable(),
  via: z.enum(['anonymous', 'session', 'api-token']),
});

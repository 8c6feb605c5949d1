import { defineConfig } from 'drizzle-kit';

// `drizzle-kit generate` needs no database; the URL is only used by `drizzle-kit studio`/`check` against a live DB.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/schema/index.ts',
  out: './migrations',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://stagecast:stagecast@127.0.0.1:5432/stagecast' },
  strict: true,
  verbose: true,
});

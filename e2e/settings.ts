/**
 * E2E settings, read from the environment once. The suite never touches demo data: it works in its own Postgres
 * schema (default `e2e_smoke`) of the test database, dropped and re-created by global-setup.ts.
 */
const defaultTestDatabaseUrl = 'postgres://stagecast:stagecast@127.0.0.1:5432/stagecast_test';

function parseBaseUrl(): string {
  const raw = process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL ?? defaultTestDatabaseUrl;
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new Error(
      `E2E_DATABASE_URL/DATABASE_URL must be a postgres:// URL (got '${raw.split('@').pop()}'); e.g. ${defaultTestDatabaseUrl}`,
    );
  }
  return raw;
}

function parseSchema(): string {
  const schema = process.env.E2E_DB_SCHEMA ?? 'e2e_smoke';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema) || schema === 'public' || schema === 'drizzle') {
    throw new Error(
      `E2E_DB_SCHEMA '${schema}' is not allowed: use a dedicated lower-case schema name such as e2e_smoke`,
    );
  }
  return schema;
}

function parsePort(): number {
  const port = Number(process.env.E2E_PORT ?? 3100);
  if (!Number.isInteger(port) || port < 1024 || port > 65535) {
    throw new Error(`E2E_PORT must be an integer between 1024 and 65535 (got '${process.env.E2E_PORT}')`);
  }
  return port;
}

export const e2eSettings = {
  /** Database server + database the suite uses; its public schema is never written. */
  baseDatabaseUrl: parseBaseUrl(),
  schema: parseSchema(),
  port: parsePort(),
  isCI: Boolean(process.env.CI),
  keepDatabase: process.env.E2E_KEEP_DB === '1',
};

/** The URL handed to the web server: same database, search_path pinned to the e2e schema. */
export function appDatabaseUrl(): string {
  const url = new URL(e2eSettings.baseDatabaseUrl);
  url.searchParams.set('options', `-c search_path=${e2eSettings.schema}`);
  return url.toString();
}

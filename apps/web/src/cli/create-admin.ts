// `npm run admin:create -w @stagecast/web -- --email ada@example.org [--name "Ada"] [--password …] [--if-missing]`
// Creates an admin account (or, with --reset, sets a new password for an existing one) in DATABASE_URL. Without
// --password a random one is generated and printed once. --if-missing exits 0 without changes when the e-mail exists.
import { parseArgs } from 'node:util';
import { createDb, createUserRepository, dbEnv, DbError } from '@stagecast/db';
import { hashPassword, minPasswordLength } from '../server/auth/password.js';
import { generatePassword } from '../server/auth/tokens.js';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      'if-missing': { type: 'boolean', default: false },
      reset: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (!values.email) {
    console.error(
      'admin:create: --email is required, e.g. npm run admin:create -w @stagecast/web -- --email ada@example.org',
    );
    return 2;
  }
  if (values.password !== undefined && values.password.length < minPasswordLength) {
    console.error(
      `admin:create: --password must have at least ${minPasswordLength} characters (or leave it out to generate one)`,
    );
    return 2;
  }
  // Migrations are not run here: DATABASE_URL may pin a schema (?options=-c search_path=…) whose migrations are
  // applied by its owner (`npm run migrate -w @stagecast/db`, test setup); a missing table says so.
  const { DATABASE_URL } = dbEnv();
  const handle = createDb({ connectionString: DATABASE_URL, max: 1, applicationName: 'stagecast-admin-create' });
  try {
    const users = createUserRepository(handle.db);
    const existing = await users.findCredentialsByEmail(values.email);
    const password = values.password ?? generatePassword();
    if (existing) {
      if (values['if-missing']) {
        if (!values.quiet) console.log(`admin:create: ${existing.email} already exists; nothing changed`);
        return 0;
      }
      if (!values.reset) {
        console.error(`admin:create: ${existing.email} already exists; pass --reset to set a new password`);
        return 1;
      }
      await users.setPasswordHash(existing.id, await hashPassword(password));
      await users.update(existing.id, { isAdmin: true, disabled: false });
      console.log(`admin:create: password of ${existing.email} reset (admin)`);
    } else {
      const user = await users.create({
        email: values.email,
        name: values.name ?? values.email.split('@')[0] ?? 'Admin',
        passwordHash: await hashPassword(password),
        isAdmin: true,
      });
      console.log(`admin:create: admin ${user.email} created`);
    }
    if (values.password === undefined) console.log(`password: ${password}`);
    return 0;
  } catch (error: unknown) {
    console.error(
      `admin:create failed: ${error instanceof DbError || error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    await handle.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`admin:create failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);

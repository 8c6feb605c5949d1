// `npm run generate -w @stagecast/db [-- --name <migration-name>]`: drizzle-kit generate, then make the SQL schema-neutral.
// Why the rewrite: drizzle-kit qualifies enum types and foreign-key targets with "public"., but tests migrate into a fresh
// schema each (search_path), and the demo may live in any schema. Unqualified names resolve through search_path.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const rootModules = join(pkgDir, '..', '..', 'node_modules');

// drizzle-kit (hoisted to the root) imports drizzle-orm from its own location; npm nests drizzle-orm under this package.
const hoisted = join(rootModules, 'drizzle-orm');
const nested = join(pkgDir, 'node_modules', 'drizzle-orm');
// A temporary link, removed again so no other workspace silently depends on a hoisted drizzle-orm.
const linked = !existsSync(hoisted) && existsSync(nested);
if (linked) symlinkSync(relative(rootModules, nested), hoisted, 'dir');
const result = spawnSync('npx', ['drizzle-kit', 'generate', ...process.argv.slice(2)], {
  cwd: pkgDir,
  stdio: 'inherit',
});
if (linked) unlinkSync(hoisted);
if (result.status !== 0) process.exit(result.status ?? 1);

const migrationsDir = join(pkgDir, 'migrations');
for (const file of readdirSync(migrationsDir).filter((f) => f.endsWith('.sql'))) {
  const path = join(migrationsDir, file);
  const sql = readFileSync(path, 'utf8');
  const neutral = sql.replaceAll('"public".', '');
  if (neutral !== sql) {
    writeFileSync(path, neutral);
    console.log(`made ${file} schema-neutral`);
  }
}

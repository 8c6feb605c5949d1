// Playwright webServer command: build @stagecast/web if its build is missing or older than its sources, then
// `next start` on 127.0.0.1:$E2E_PORT. STAGECAST_E2E_BUILD=always|never|auto (default auto).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const web = join(root, 'apps/web');
const port = process.env.E2E_PORT ?? '3100';
const mode = process.env.STAGECAST_E2E_BUILD ?? 'auto';
if (!['always', 'never', 'auto'].includes(mode)) {
  console.error(`STAGECAST_E2E_BUILD must be always, never or auto (got '${mode}')`);
  process.exit(2);
}

/** Newest modification time under `path` (files only), skipping build output and dependencies. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === '.next' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

// The e2e runner sets NODE_OPTIONS=--conditions=@stagecast/source for its own TS imports; the app is built and served
// exactly as in production, without it.
const childEnv = { ...process.env };
delete childEnv.NODE_OPTIONS;

const buildId = join(web, '.next/BUILD_ID');
const inputs = [
  join(web, 'src'),
  join(web, 'next.config.ts'),
  join(web, 'package.json'),
  ...['db', 'jobs', 'schedule'].map((name) => join(root, 'packages', name, 'src')),
];
const stale = !existsSync(buildId) || Math.max(...inputs.map(newestMtime)) > statSync(buildId).mtimeMs;

if (mode === 'always' || (mode === 'auto' && stale)) {
  console.log(`[serve-web] building @stagecast/web (${existsSync(buildId) ? 'sources changed' : 'no build yet'})`);
  const build = spawnSync('npm', ['run', 'build', '-w', '@stagecast/web'], {
    cwd: root,
    stdio: 'inherit',
    env: childEnv,
  });
  if (build.status !== 0) {
    console.error('[serve-web] `npm run build -w @stagecast/web` failed; fix the build error above');
    process.exit(build.status ?? 1);
  }
} else if (!existsSync(buildId)) {
  console.error(
    '[serve-web] no build in apps/web/.next and STAGECAST_E2E_BUILD=never; run `npm run build -w @stagecast/web`',
  );
  process.exit(1);
}

const nextBin = join(root, 'node_modules/next/dist/bin/next');
const server = spawn(process.execPath, [nextBin, 'start', '-p', port, '-H', '127.0.0.1'], {
  cwd: web,
  stdio: 'inherit',
  env: childEnv,
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

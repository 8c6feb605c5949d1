#!/usr/bin/env node
// `stagecast` launcher: runs the compiled CLI (dist/main.js, from `npm run build`) when present, otherwise the
// TypeScript sources through tsx with the workspace source condition (development checkout).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/main.js', import.meta.url);
if (existsSync(fileURLToPath(dist))) {
  await import(dist.href);
} else {
  const src = fileURLToPath(new URL('../src/main.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=@stagecast/source', '--import', 'tsx', src, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  // A terminal Ctrl-C reaches the child too (same process group); SIGTERM sent to us alone is passed on.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
}

import { fileURLToPath } from 'node:url';

/** Path of the fake engine script, for `createEngine({ entry: fakeEngineEntry(), args: [mode] })`. */
export function fakeEngineEntry(): string {
  const built = fileURLToPath(new URL('./fake-engine.cjs', import.meta.url));
  return import.meta.url.endsWith('.ts') ? fileURLToPath(new URL('./fake-engine.cts', import.meta.url)) : built;
}

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrationsFolder } from './migrate.js';

describe('committed migrations', () => {
  it('are schema-neutral so per-test schemas work (run `npm run generate -w @stagecast/db`, not drizzle-kit directly)', () => {
    const files = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(readFileSync(join(migrationsFolder, file), 'utf8'), file).not.toContain('"public".');
    }
  });

  it('are all listed in the drizzle journal', () => {
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    const files = readdirSync(migrationsFolder)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => f.replace(/\.sql$/, ''));
    expect(journal.entries.map((e) => e.tag).sort()).toEqual(files.sort());
  });
});

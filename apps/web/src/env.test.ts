import { describe, expect, it } from 'vitest';
import { EnvError, parseServerEnv } from './env.js';

describe('parseServerEnv', () => {
  it('accepts a postgres URL and applies defaults', () => {
    const env = parseServerEnv({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/stagecast' });
    expect(env).toMatchObject({ DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/stagecast', LOG_LEVEL: 'info' });
    expect(env.PUBLIC_BASE_URL).toBeUndefined();
  });

  it('names the missing variable and how to fix it', () => {
    expect(() => parseServerEnv({})).toThrow(EnvError);
    expect(() => parseServerEnv({ DATABASE_URL: '' })).toThrow(/DATABASE_URL: DATABASE_URL is not set.*\.env\.example/);
  });

  it('rejects malformed values with one message per variable', () => {
    let message = '';
    try {
      parseServerEnv({ DATABASE_URL: 'mysql://x', PUBLIC_BASE_URL: 'not a url' });
    } catch (error: unknown) {
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toContain('DATABASE_URL: DATABASE_URL must start with postgres://');
    expect(message).toContain('PUBLIC_BASE_URL: PUBLIC_BASE_URL must be an absolute URL');
  });
});

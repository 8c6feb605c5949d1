import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactSecrets } from './logger.js';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, destination };
}

describe('redactSecrets', () => {
  it('masks URL credentials and secret query values but keeps the rest readable', () => {
    expect(redactSecrets('postgres://stagecast:hunter2@127.0.0.1:5432/stagecast')).toBe(
      'postgres://stagecast:[redacted]@127.0.0.1:5432/stagecast',
    );
    expect(redactSecrets('https://meet.example/room?token=abc.def&lang=en&pwd=42')).toBe(
      'https://meet.example/room?token=[redacted]&lang=en&pwd=[redacted]',
    );
    expect(redactSecrets('rtmp://live.example/app?key=sk-123')).toBe('rtmp://live.example/app?key=[redacted]');
    expect(redactSecrets('nothing secret here')).toBe('nothing secret here');
  });
});

describe('createLogger', () => {
  it('writes JSON lines with secrets removed from known fields, messages and errors', () => {
    const { lines, destination } = capture();
    const log = createLogger({ destination, level: 'debug' });
    log.info({ connectionString: 'postgres://u:p@h/db', nested: { password: 'pw', token: 't' } }, 'connecting');
    log.error({ err: new Error('connect failed for postgres://u:sekret@h/db') }, 'db down at postgres://u:sekret@h/db');
    const [first, second] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({
      msg: 'connecting',
      connectionString: '[redacted]',
      nested: { password: '[redacted]', token: '[redacted]' },
    });
    expect(JSON.stringify(second)).not.toContain('sekret');
    expect(second).toMatchObject({ msg: 'db down at postgres://u:[redacted]@h/db', level: 50 });
  });
});

import { describe, expect, it } from 'vitest';
import { parseChronyTracking, parseTimesyncStatus, readClockSync } from './clock-sync.js';

const CHRONY_SYNCED =
  'A29FC87B,162.159.200.123,3,1763726400.123456789,-0.000012345,0.000023456,0.000034567,-12.345,0.012,0.123,0.012000000,0.001500000,64.1,Normal\n';
const CHRONY_UNSYNCED =
  '00000000,,0,0.000000000,0.000000000,0.000000000,0.000000000,0.000,0.000,0.000,1.000000000,1.000000000,0.0,Not synchronised\n';
const TIMESYNC_STATUS = `       Server: 192.0.2.5 (0.debian.pool.ntp.org)
Poll interval: 34min 8s (min: 32s; max 34min 8s)
         Leap: normal
      Version: 4
      Stratum: 2
    Reference: C0A80001
    Precision: 1us (-24)
Root distance: 10.421ms (max: 5s)
       Offset: -1.204ms
        Delay: 5.112ms
       Jitter: 733us
 Packet count: 45
    Frequency: +12.117ppm
`;

const execFrom = (outputs: Record<string, string>) => async (file: string, args: string[]) => {
  const key = `${file} ${args.join(' ')}`;
  if (!(key in outputs)) throw new Error(`ENOENT ${file}`);
  return outputs[key]!;
};

describe('clock sync', () => {
  it('reads chrony tracking: offset sign, error bound, stratum', () => {
    const s = parseChronyTracking(CHRONY_SYNCED);
    expect(s).toMatchObject({ source: 'chrony', synchronized: true, stratum: 3, server: '162.159.200.123' });
    expect(s.offsetMs).toBeCloseTo(0.012345, 6); // correction −12 µs: the system clock is 12 µs fast
    expect(s.maxErrorMs).toBeCloseTo(0.012345 + 6 + 1.5, 6);
    expect(parseChronyTracking(CHRONY_UNSYNCED)).toMatchObject({ synchronized: false, offsetMs: null });
    expect(() => parseChronyTracking('garbage')).toThrow(/unexpected chronyc/);
  });

  it('reads systemd-timesyncd status with unit conversion', () => {
    const s = parseTimesyncStatus(TIMESYNC_STATUS, 'NTP=yes\nNTPSynchronized=yes\n');
    expect(s).toMatchObject({ source: 'timesyncd', synchronized: true, stratum: 2, server: '192.0.2.5' });
    expect(s.offsetMs).toBeCloseTo(-1.204, 6);
    expect(s.maxErrorMs).toBeCloseTo(1.204 + 10.421, 6);
  });

  it('prefers chrony, falls back to timesyncd, then reports unknown with a fix', async () => {
    const chrony = await readClockSync({ exec: execFrom({ 'chronyc -c tracking': CHRONY_SYNCED }) });
    expect(chrony).toMatchObject({ source: 'chrony', warning: null });
    const timesync = await readClockSync({
      exec: execFrom({ 'timedatectl timesync-status': TIMESYNC_STATUS, 'timedatectl show': 'NTPSynchronized=yes' }),
    });
    expect(timesync).toMatchObject({ source: 'timesyncd', warning: null });
    const none = await readClockSync({ exec: execFrom({}) });
    expect(none).toMatchObject({ source: 'none', synchronized: null });
    expect(none.warning).toMatch(/apt-get install chrony/);
  });

  it('warns when unsynchronised or when the error bound exceeds the limit', async () => {
    const unsynced = await readClockSync({ exec: execFrom({ 'chronyc -c tracking': CHRONY_UNSYNCED }) });
    expect(unsynced.warning).toMatch(/not synchronised/);
    const strict = await readClockSync({ maxOffsetMs: 5, exec: execFrom({ 'chronyc -c tracking': CHRONY_SYNCED }) });
    expect(strict.warning).toMatch(/exceeds the 5 ms limit/);
  });

  it('never throws on this machine', async () => {
    const state = await readClockSync();
    expect(['chrony', 'timesyncd', 'none']).toContain(state.source);
    expect(state.checkedAt).toBeInstanceOf(Date);
  });
});

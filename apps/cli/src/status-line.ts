/**
 * The one-line status on stderr: connection state, participants, per-source bitrates. Rewritten in place (`\r` +
 * erase line) on a TTY; on pipes and files, plain lines at most every `plainIntervalMs` plus one per event.
 */
import type { ParticipantStats, SourceRate } from '@stagecast/participant';

export interface StatusModel {
  state: 'starting' | 'joining' | 'joined' | 'restarting-engine' | 'leaving' | 'left';
  room?: string;
  endpointId?: string;
  participants: number;
  stats?: ParticipantStats;
}

export function formatBitrate(bps: number): string {
  if (bps >= 1_000_000) return `${(bps / 1_000_000).toFixed(1)} Mb/s`;
  if (bps >= 1_000) return `${Math.round(bps / 1_000)} kb/s`;
  return `${Math.round(bps)} b/s`;
}

function sourceLabel(s: SourceRate): string {
  const who = s.nick ?? s.owner ?? `ssrc ${s.ssrc}`;
  const kind = s.name?.match(/-([av]\d+)$/)?.[1] ?? s.media ?? '?';
  return `${who}/${kind}`;
}

export function formatStatus(m: StatusModel): string {
  const parts: string[] = [];
  const head = m.state === 'joined' ? `joined ${m.room ?? ''} as ${m.endpointId ?? '?'}`.replace(/ {2,}/g, ' ') : m.state.replace(/-/g, ' ');
  parts.push(head);
  parts.push(`${m.participants} other participant${m.participants === 1 ? '' : 's'}`);
  const srcs = m.stats?.sources ?? [];
  const inbound = srcs.filter((s) => s.direction === 'inbound' && s.owner && s.owner !== 'jvb');
  const outbound = srcs.filter((s) => s.direction === 'outbound');
  if (inbound.length) {
    parts.push(`in: ${inbound.map((s) => `${sourceLabel(s)} ${formatBitrate(s.bitrate)}${s.frozen ? ' FROZEN' : ''}${s.packetsLost > 0 ? ` lost ${s.packetsLost}` : ''}`).join(', ')}`);
  }
  if (outbound.length) parts.push(`out: ${outbound.map((s) => `${s.media ?? '?'} ${formatBitrate(s.bitrate)}`).join(', ')}`);
  if (m.stats?.engineRssBytes) parts.push(`engine ${Math.round(m.stats.engineRssBytes / 1048576)} MB`);
  return parts.join(' | ');
}

export interface StatusWriter {
  /** Updates the status line (TTY: in place; otherwise throttled plain lines). */
  update(m: StatusModel): void;
  /** An event line (participant joined, engine restarted…), printed on its own line in both modes. */
  event(text: string): void;
  /** Erase the in-place line before other output (logs) is written. */
  clear(): void;
  end(): void;
}

export function createStatusWriter(out: { write(s: string): unknown; isTTY?: boolean }, plainIntervalMs = 5000): StatusWriter {
  const tty = !!out.isTTY;
  let shown = false;
  let lastPlain = 0;
  let lastText = '';
  const clear = () => {
    if (tty && shown) {
      out.write('\r\x1b[2K');
      shown = false;
    }
  };
  return {
    update(m) {
      const text = formatStatus(m);
      if (tty) {
        const cols = (out as { columns?: number }).columns ?? 200;
        out.write(`\r\x1b[2K${text.length > cols - 1 ? `${text.slice(0, cols - 2)}…` : text}`);
        shown = true;
      } else if (text !== lastText && (Date.now() - lastPlain >= plainIntervalMs || m.state !== 'joined')) {
        out.write(`status: ${text}\n`);
        lastPlain = Date.now();
      }
      lastText = text;
    },
    event(text) {
      clear();
      out.write(`${text}\n`);
      if (tty && lastText) {
        out.write(lastText);
        shown = true;
      }
    },
    clear,
    end() {
      clear();
    },
  };
}

import { describe, expect, it } from 'vitest';
import { choosePlaybackEngine, embedSnippet, liveEdgeStatus, offlineRetryDelayMs } from './live-edge.js';

describe('liveEdgeStatus', () => {
  it('is LIVE within the target latency plus tolerance', () => {
    expect(liveEdgeStatus(3, 3)).toEqual({ atLiveEdge: true, behindSeconds: 0, label: 'LIVE' });
    expect(liveEdgeStatus(4.9, 3).atLiveEdge).toBe(true);
    expect(liveEdgeStatus(Number.NaN, 3).atLiveEdge).toBe(true);
  });

  it('says how far behind the player is beyond that', () => {
    expect(liveEdgeStatus(15.4, 3)).toEqual({ atLiveEdge: false, behindSeconds: 12, label: 'Behind live by 12 s' });
    expect(liveEdgeStatus(8, null).behindSeconds).toBe(8);
  });
});

describe('offlineRetryDelayMs', () => {
  it('backs off from 2 s to a 10 s cap with bounded jitter', () => {
    expect(offlineRetryDelayMs(0, () => 0.5)).toBe(2000);
    expect(offlineRetryDelayMs(1, () => 0.5)).toBe(3000);
    expect(offlineRetryDelayMs(20, () => 0.5)).toBe(10_000);
    expect(offlineRetryDelayMs(20, () => 0)).toBe(8000);
    expect(offlineRetryDelayMs(20, () => 1)).toBe(12_000);
  });
});

describe('embedSnippet', () => {
  it('escapes the URL and title into an iframe tag', () => {
    const html = embedSnippet('https://live.example.org/embed/a-b?x=1&y=2', 'Main "Hall" <1>');
    expect(html).toContain('src="https://live.example.org/embed/a-b?x=1&amp;y=2"');
    expect(html).toContain('title="Main &quot;Hall&quot; &lt;1>"');
    expect(html).toContain('allow="autoplay; fullscreen"');
  });
});

describe('choosePlaybackEngine', () => {
  const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';
  const safari =
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
  const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
  it('uses hls.js in Chromium and Firefox even when they claim native HLS', () => {
    expect(choosePlaybackEngine({ hlsJsSupported: true, nativeHls: 'maybe', userAgent: chrome })).toBe('hls.js');
    expect(choosePlaybackEngine({ hlsJsSupported: true, nativeHls: '', userAgent: firefox })).toBe('hls.js');
  });
  it('uses native HLS in Safari and where MSE is missing', () => {
    expect(choosePlaybackEngine({ hlsJsSupported: true, nativeHls: 'maybe', userAgent: safari })).toBe('native');
    expect(choosePlaybackEngine({ hlsJsSupported: false, nativeHls: 'probably', userAgent: 'iPhone' })).toBe('native');
    expect(choosePlaybackEngine({ hlsJsSupported: false, nativeHls: '', userAgent: 'old' })).toBe('unsupported');
  });
});

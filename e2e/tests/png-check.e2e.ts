import { decodePng, imageStats } from '../fixtures/png.js';
import { expect, test } from '../fixtures/smoke.js';

// The screenshot checker must itself be right: decode a page with known colours and read them back.
test('png decoder reads back known pixels from a Chromium screenshot', async ({ page }) => {
  await page.setViewportSize({ width: 200, height: 100 });
  await page.setContent(`
    <style>html,body{margin:0;background:#fff}</style>
    <div style="position:absolute;left:0;top:0;width:100px;height:50px;background:rgb(255,0,0)"></div>
    <div style="position:absolute;left:100px;top:50px;width:100px;height:50px;background:rgb(0,0,255)"></div>`);
  const image = decodePng(await page.screenshot());
  expect([image.width, image.height]).toEqual([200, 100]);
  const pixel = (x: number, y: number) =>
    Array.from(image.rgba.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4));
  expect(pixel(10, 10)).toEqual([255, 0, 0, 255]);
  expect(pixel(150, 75)).toEqual([0, 0, 255, 255]);
  expect(pixel(150, 10)).toEqual([255, 255, 255, 255]);
  const stats = imageStats(image);
  expect(stats.distinctColours).toBe(3);
  expect(stats.nonBackgroundRatio).toBeCloseTo(0.5, 5);

  await page.setContent('<style>html,body{margin:0;background:#fff}</style>');
  const blank = imageStats(decodePng(await page.screenshot()));
  expect(blank).toMatchObject({ distinctColours: 1, nonBackgroundRatio: 0 });
  expect(blank.lumaStdDev).toBeLessThan(1e-6);
});

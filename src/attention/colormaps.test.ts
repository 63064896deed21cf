import { describe, expect, it } from 'vitest';
import { contrastRatio, divergingColor, GRAPHIC_CONTRAST, HEAD_PALETTE, headColor, rgbOf } from './colormaps';

describe('head colours and vector colours', () => {
  it('computes WCAG contrast: black on white is 21, a colour on itself 1', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21, 6);
    expect(contrastRatio([120, 30, 200], [120, 30, 200])).toBe(1);
    // Okabe & Ito's yellow on white, the pale line of the issue: 1.32 (WCAG asks 3 of a graphic).
    expect(contrastRatio(rgbOf('#f0e442')!, [255, 255, 255])).toBeCloseTo(1.322, 3);
  });

  it('gives every head at least 3:1 against the light and the dark panel, and keeps colours that already have it', () => {
    for (const panel of ['#ffffff', '#1c1f26']) {
      HEAD_PALETTE.forEach((_, head) => expect(contrastRatio(rgbOf(headColor(head, panel))!, rgbOf(panel)!)).toBeGreaterThanOrEqual(GRAPHIC_CONTRAST));
    }
    expect(headColor(4, '#ffffff')).toBe('#0072b2'); // blue, 5.1:1 on white
    expect(headColor(3, '#ffffff')).not.toBe('#f0e442');
    expect(headColor(3, 'transparent')).toBe('#f0e442'); // a background it cannot read: the palette's own
    expect(headColor(3, '#fff')).toBe(headColor(3, '#ffffff')); // minified CSS writes #fff
    expect(rgbOf('rgb(28, 31, 38)')).toEqual([28, 31, 38]);
  });

  it('draws zero as the background it is given', () => {
    expect(divergingColor(0, 1)).toEqual([255, 255, 255]);
    expect(divergingColor(0, 1, [28, 31, 38])).toEqual([28, 31, 38]);
    expect(divergingColor(1, 1, [28, 31, 38])).toEqual([0xe6, 0x61, 0x01]);
    expect(divergingColor(-2, 1, [28, 31, 38])).toEqual([0x5e, 0x3c, 0x99]);
  });
});

import { describe, expect, it } from 'vitest';
import { expectRecognised, speak, TEST_PHRASE } from '../../test/speech.js';
import type { SpeechSegment } from './engine.js';
import { createPocketsphinxParser, PocketsphinxEngine } from './pocketsphinx.js';

describe('pocketsphinx output parsing', () => {
  it('turns a hypothesis and its word timings into one segment', () => {
    const segments: SpeechSegment[] = [];
    const parse = createPocketsphinxParser((s) => segments.push(s));
    for (const line of [
      'i want to learn',
      '<s> 0.000 0.180 0.99',
      'i 0.190 0.300 0.5',
      'want 0.310 0.600 0.5',
      '<sil> 0.600 0.700 1',
      'to(2) 0.710 0.800 0.4',
      'learn 0.810 1.250 0.8',
      '</s> 1.260 1.500 1',
    ])
      parse(line);
    expect(segments).toEqual([{ startMs: 190, endMs: 1250, text: 'i want to learn', final: true }]);
  });
});

describe('the offline engine (pocketsphinx) on speech made with espeak-ng', () => {
  it('recognises a few chosen keywords with plausible times', async () => {
    expect(PocketsphinxEngine.available(), 'pocketsphinx is not installed (npm test installs it with apt)').toBe(true);
    const segments: SpeechSegment[] = [];
    const stream = new PocketsphinxEngine().open((s) => segments.push(s));
    const pcm = speak(TEST_PHRASE);
    const seconds = pcm.length / 16_000;
    for (let i = 0; i < pcm.length; i += 1600) stream.write(pcm.subarray(i, i + 1600));
    await stream.close();
    expect(segments.length).toBeGreaterThan(0);
    const text = segments.map((s) => s.text).join(' ');
    expectRecognised(text);
    for (const s of segments) {
      expect(s.startMs).toBeGreaterThanOrEqual(0);
      expect(s.endMs).toBeGreaterThan(s.startMs);
      expect(s.endMs).toBeLessThanOrEqual(Math.ceil(seconds * 1000) + 1500);
    }
  }, 60_000);
});

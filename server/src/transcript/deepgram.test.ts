import { describe, expect, it } from 'vitest';
import { startFakeDeepgram } from '../../test/fakeDeepgram.js';
import { DeepgramEngine } from './deepgram.js';
import type { SpeechSegment } from './engine.js';

describe('the cloud engine adapter (Deepgram) against a FAKE Deepgram server', () => {
  it('authenticates, streams 16 kHz PCM, maps interim and final results, and closes cleanly', async () => {
    const fake = await startFakeDeepgram('secret-key');
    const segments: SpeechSegment[] = [];
    const stream = new DeepgramEngine('secret-key', fake.url).open((s) => segments.push(s));
    const second = new Int16Array(16_000);
    stream.write(second); // before the socket is open: queued, not lost
    stream.write(second);
    await new Promise((r) => setTimeout(r, 200));
    await stream.close();
    await fake.close();
    expect(fake.seen.auth).toBe('Token secret-key');
    expect(Object.fromEntries(fake.seen.query)).toMatchObject({
      encoding: 'linear16',
      sample_rate: '16000',
      channels: '1',
      interim_results: 'true',
    });
    expect(fake.seen.bytes).toBe(64_000);
    expect(fake.seen.closeStream).toBe(true);
    expect(segments).toEqual([
      { startMs: 500, endMs: 1300, text: 'learn test', final: false },
      { startMs: 500, endMs: 2200, text: 'learn testing', final: true },
    ]);
  });

  it('gives no segments and still closes when the key is refused', async () => {
    const fake = await startFakeDeepgram('right-key');
    const segments: SpeechSegment[] = [];
    const stream = new DeepgramEngine('wrong-key', fake.url).open((s) => segments.push(s));
    stream.write(new Int16Array(1600));
    await stream.close();
    await fake.close();
    expect(segments).toEqual([]);
  });
});

import WebSocket from 'ws';
import { z } from 'zod';
import { ENGINE_SAMPLE_RATE, type SpeechEngine, type SpeechSegment, type SpeechStream } from './engine.js';

/** The part of Deepgram's live "Results" message this adapter reads. */
const ResultsSchema = z.object({
  type: z.literal('Results'),
  start: z.number(),
  duration: z.number(),
  is_final: z.boolean(),
  channel: z.object({ alternatives: z.array(z.object({ transcript: z.string() })).min(1) }),
});

/**
 * The cloud engine: Deepgram's streaming API over a WebSocket, used when
 * DEEPGRAM_API_KEY is set. It cannot be reached from these machines; its
 * contract is tested against a named fake server (test/fakeDeepgram.ts).
 */
export class DeepgramEngine implements SpeechEngine {
  readonly name = 'deepgram';

  constructor(
    private readonly apiKey: string,
    private readonly baseUrl = 'wss://api.deepgram.com',
  ) {}

  open(onSegment: (s: SpeechSegment) => void): SpeechStream {
    const params = new URLSearchParams({
      encoding: 'linear16',
      sample_rate: String(ENGINE_SAMPLE_RATE),
      channels: '1',
      interim_results: 'true',
      punctuate: 'true',
    });
    const ws = new WebSocket(`${this.baseUrl}/v1/listen?${params}`, { headers: { Authorization: `Token ${this.apiKey}` } });
    const queue: Buffer[] = [];
    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.on('error', () => undefined); // surfaced as a close; the session goes on without captions
    ws.on('open', () => {
      for (const b of queue.splice(0)) ws.send(b);
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let json: unknown;
      try {
        json = JSON.parse(String(data));
      } catch {
        return;
      }
      const r = ResultsSchema.safeParse(json);
      if (!r.success) return;
      const text = r.data.channel.alternatives[0]?.transcript.trim() ?? '';
      if (!text) return;
      onSegment({
        startMs: Math.round(r.data.start * 1000),
        endMs: Math.round((r.data.start + r.data.duration) * 1000),
        text,
        final: r.data.is_final,
      });
    });
    let ending = false;
    return {
      write(pcm) {
        if (ending) return;
        const b = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
        if (ws.readyState === WebSocket.OPEN) ws.send(b);
        else if (ws.readyState === WebSocket.CONNECTING) queue.push(b);
      },
      async close() {
        if (!ending) {
          ending = true;
          const finish = () => ws.send(JSON.stringify({ type: 'CloseStream' }));
          if (ws.readyState === WebSocket.OPEN) finish();
          else if (ws.readyState === WebSocket.CONNECTING) ws.once('open', finish);
        }
        const timer = setTimeout(() => ws.terminate(), 5_000);
        await closed;
        clearTimeout(timer);
      },
    };
  }
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AudioFrame, AudioSource, LocalAudioTrack, Room, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLivekitServer, startLivekit } from '../../scripts/lib/livekit.mjs';
import { PocketsphinxEngine } from '../src/transcript/pocketsphinx.js';
import { type SpokenSegment, Transcriber } from '../src/transcript/transcriber.js';
import { until } from './realtime.js';
import { speak } from './speech.js';

let livekit: Awaited<ReturnType<typeof startLivekit>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-lk-'));

beforeAll(async () => {
  // A real livekit-server on loopback, on ports of its own.
  livekit = await startLivekit({ bin: await ensureLivekitServer(), dir, port: 7990 });
}, 120_000);
afterAll(async () => {
  await livekit?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function token(identity: string, room: string) {
  const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, name: identity });
  at.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true });
  return at.toJwt();
}

/** A participant that says something into the room through a microphone track. */
async function speaker(identity: string, roomName: string) {
  const room = new Room();
  await room.connect(livekit.url, await token(identity, roomName), { autoSubscribe: false, dynacast: false });
  const source = new AudioSource(16_000, 1);
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant?.publishTrack(track, options);
  return {
    async say(pcm: Int16Array) {
      for (let i = 0; i + 160 <= pcm.length; i += 160) await source.captureFrame(new AudioFrame(pcm.slice(i, i + 160), 16_000, 1, 160));
      const silence = new Int16Array(160);
      for (let i = 0; i < 150; i++) await source.captureFrame(new AudioFrame(silence, 16_000, 1, 160));
    },
    leave: () => room.disconnect(),
  };
}

describe('the transcriber in a real LiveKit room with the offline engine', () => {
  it('attributes recognised speech to its speaker with plausible times', async () => {
    const roomName = `transcribe-${Date.now()}`;
    const sessionStart = Date.now();
    const segments: SpokenSegment[] = [];
    const transcriber = new Transcriber({
      livekit: { url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
      engine: new PocketsphinxEngine(),
      sessionId: 'sess-1',
      roomName,
      sessionStart,
      speakers: new Map([['student-1', 'Sam Student']]),
      onSegment: (s) => segments.push(s),
      log: pino({ level: 'silent' }),
    });
    await transcriber.start();
    const sam = await speaker('student-1', roomName);
    const outsider = await speaker('not-consented', roomName);
    const pcm = speak('Today I want to learn testing. My goal is to finish the project.');
    await Promise.all([sam.say(pcm), outsider.say(speak('This should never be transcribed at all.'))]);
    await until(() => segments.length > 0, 'a segment', 30_000);
    await transcriber.stop();
    await sam.leave();
    await outsider.leave();

    const text = segments.map((s) => s.text).join(' ');
    expect(segments.every((s) => s.speakerId === 'student-1' && s.speakerName === 'Sam Student')).toBe(true);
    const keywords = ['learn', 'want', 'project', 'testing', 'goal'].filter((k) => text.includes(k));
    expect(keywords.length, `recognised: "${text}"`).toBeGreaterThanOrEqual(2);
    const elapsed = Date.now() - sessionStart;
    for (const s of segments) {
      expect(s.startMs).toBeGreaterThanOrEqual(0);
      expect(s.endMs).toBeGreaterThan(s.startMs);
      expect(s.endMs).toBeLessThanOrEqual(elapsed);
    }
  }, 90_000);
});

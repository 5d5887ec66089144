import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AudioFrame, AudioSource, LocalAudioTrack, Room, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { AccessToken } from 'livekit-server-sdk';
import { afterAll, beforeAll } from 'vitest';
import { findLivekitServer, startLivekit } from '../../scripts/lib/livekit.mjs';
import { closeTestApps } from './helpers.js';

type Running = Awaited<ReturnType<typeof startLivekit>>;

/**
 * A real livekit-server on loopback for the tests of one file, on ports of its own
 * (files run in parallel). Stopped, with the file's apps, after its tests.
 */
export function useTestLivekit(port: number): { readonly current: Running; env(): Record<string, string> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-lk-'));
  const holder = {
    current: undefined as unknown as Running,
    /** The environment that points a test app at this LiveKit. */
    env(): Record<string, string> {
      return { LIVEKIT_URL: holder.current.url, LIVEKIT_API_KEY: holder.current.apiKey, LIVEKIT_API_SECRET: holder.current.apiSecret };
    },
  };
  beforeAll(async () => {
    // The test command builds livekit-server before any runner starts; a test never builds it.
    const bin = findLivekitServer();
    if (!bin) throw new Error('livekit-server is not built: run `npm test` (it builds it first), or put livekit-server on PATH');
    holder.current = await startLivekit({ bin, dir, port });
  }, 30_000);
  afterAll(async () => {
    // Apps first: their transcribers leave the rooms while LiveKit still answers.
    await closeTestApps();
    await holder.current?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
  return holder;
}

/** A participant that says something into a room through a microphone track. */
export async function speakerIn(livekit: Running, identity: string, roomName: string) {
  const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, name: identity });
  at.addGrant({ room: roomName, roomJoin: true, canPublish: true, canSubscribe: true });
  const room = new Room();
  await room.connect(livekit.url, await at.toJwt(), { autoSubscribe: false, dynacast: false });
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

import {
  AudioStream,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  Room,
  RoomEvent,
  TrackKind,
} from '@livekit/rtc-node';
import type { FastifyBaseLogger } from 'fastify';
import { AccessToken } from 'livekit-server-sdk';
import { ENGINE_SAMPLE_RATE, type SpeechEngine, type SpeechSegment, type SpeechStream } from './engine.js';

/** A segment attributed to its speaker, times in ms from the session's start. */
export interface SpokenSegment extends SpeechSegment {
  speakerId: string;
  speakerName: string;
}

export interface TranscriberOptions {
  livekit: { url: string; apiKey: string; apiSecret: string };
  engine: SpeechEngine;
  sessionId: string;
  roomName: string;
  /** Epoch ms the session's timeline starts at. */
  sessionStart: number;
  /** Only these people are transcribed (identity -> display name): the pair, once both agreed. */
  speakers: Map<string, string>;
  onSegment(segment: SpokenSegment): void;
  log: FastifyBaseLogger;
}

/**
 * A hidden participant in the session's LiveKit room that subscribes to each
 * speaker's microphone and streams it, resampled to 16 kHz mono, into one
 * engine stream per speaker.
 */
export class Transcriber {
  private room: Room | null = null;
  private readonly streams = new Map<string, { audio: AudioStream; speech: SpeechStream }>();
  private stopped = false;

  constructor(private readonly opts: TranscriberOptions) {}

  async start(): Promise<void> {
    const { livekit, sessionId, roomName } = this.opts;
    const at = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: `transcriber-${sessionId}`, name: 'Transcriber', ttl: 600 });
    at.addGrant({ room: roomName, roomJoin: true, canSubscribe: true, canPublish: false, canPublishData: false, hidden: true });
    const room = new Room();
    this.room = room;
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _pub: RemoteTrackPublication, participant: RemoteParticipant) => {
      if (track.kind !== TrackKind.KIND_AUDIO) return;
      const name = this.opts.speakers.get(participant.identity);
      if (name === undefined) return;
      void this.consume(track, participant.identity, name);
    });
    room.on(RoomEvent.TrackUnsubscribed, (_track: RemoteTrack, pub: RemoteTrackPublication) => {
      void this.closeStream(pub.sid ?? '');
    });
    await room.connect(livekit.url, await at.toJwt(), { autoSubscribe: true, dynacast: false });
  }

  private async consume(track: RemoteTrack, identity: string, name: string): Promise<void> {
    const key = track.sid ?? identity;
    if (this.streams.has(key) || this.stopped) return;
    // Segment times are relative to the speaker's stream; the stream's start places them on the session's timeline.
    const offset = Date.now() - this.opts.sessionStart;
    const speech = this.opts.engine.open((s) =>
      this.opts.onSegment({
        ...s,
        startMs: Math.max(0, s.startMs + offset),
        endMs: Math.max(0, s.endMs + offset),
        speakerId: identity,
        speakerName: name,
      }),
    );
    const audio = new AudioStream(track, { sampleRate: ENGINE_SAMPLE_RATE, numChannels: 1 });
    this.streams.set(key, { audio, speech });
    try {
      for await (const frame of audio) speech.write(frame.data);
    } catch (error) {
      this.opts.log.warn({ err: error, sessionId: this.opts.sessionId }, 'transcriber audio stream failed');
    }
    await this.closeStream(key);
  }

  private async closeStream(key: string): Promise<void> {
    const s = this.streams.get(key);
    if (!s) return;
    this.streams.delete(key);
    await s.audio.cancel().catch(() => undefined);
    await s.speech.close();
  }

  /** Leaves the room and flushes every speaker's last words. */
  async stop(): Promise<void> {
    this.stopped = true;
    // A LiveKit that is gone would never answer the disconnect: do not wait for it forever.
    await Promise.race([this.room?.disconnect().catch(() => undefined), new Promise((r) => setTimeout(r, 5_000).unref())]);
    await Promise.all([...this.streams.keys()].map((k) => this.closeStream(k)));
  }
}

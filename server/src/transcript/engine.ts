/** A stretch of recognised speech, times in ms from the start of the audio stream. */
export interface SpeechSegment {
  startMs: number;
  endMs: number;
  text: string;
  /** Partial segments are shown as captions only; final ones are stored. */
  final: boolean;
}

/** One speaker's audio going into an engine: 16 kHz mono signed 16-bit PCM. */
export interface SpeechStream {
  write(pcm: Int16Array): void;
  /** Flushes what is left (the last utterance) and ends the stream. */
  close(): Promise<void>;
}

/**
 * A speech-to-text engine behind one small interface. The offline engine
 * (pocketsphinx) is the default; a cloud engine is used when its key is set.
 */
export interface SpeechEngine {
  readonly name: string;
  open(onSegment: (segment: SpeechSegment) => void): SpeechStream;
}

/** The sample rate every engine receives. */
export const ENGINE_SAMPLE_RATE = 16_000;

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';

/** Speech made here, from text, with espeak-ng: 16 kHz mono 16-bit PCM. */
export function speak(text: string): Int16Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-speech-'));
  const wav = path.join(dir, 'speech.wav');
  const raw = path.join(dir, 'speech.raw');
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '130', '-w', wav, text]);
  execFileSync('sox', [wav, '-r', '16000', '-c', '1', '-b', '16', '-e', 'signed-integer', '-t', 'raw', raw]);
  const bytes = fs.readFileSync(raw);
  fs.rmSync(dir, { recursive: true, force: true });
  return new Int16Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 2));
}

/** The words the test phrase is checked for. */
export const TEST_PHRASE = 'Today I want to learn testing. My goal is to finish the project.';
const KEYWORDS = ['learn', 'want', 'project', 'testing', 'goal', 'today', 'finish'];

const wordsOf = (text: string) => text.split(/\s+/).filter(Boolean);
const keywordsIn = (words: string[]) => KEYWORDS.filter((k) => words.includes(k));
/** A sentence-length hypothesis: at least this many words. */
const MIN_WORDS = 4;

/**
 * Recognition of synthetic speech is rough and varies a little between runs (1 to 3 of
 * these keywords have been seen for the same recording): ask for a sentence-length
 * hypothesis with at least one keyword, never for the exact text.
 */
export function expectRecognised(text: string): void {
  const words = wordsOf(text);
  expect(words.length, `recognised: "${text}"`).toBeGreaterThanOrEqual(MIN_WORDS);
  expect(keywordsIn(words).length, `recognised: "${text}"`).toBeGreaterThanOrEqual(1);
}

/** True when {@link expectRecognised} would pass. */
export function recognised(text: string): boolean {
  const words = wordsOf(text);
  return words.length >= MIN_WORDS && keywordsIn(words).length >= 1;
}

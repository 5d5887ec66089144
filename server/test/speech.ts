import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

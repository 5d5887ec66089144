import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import type { SpeechEngine, SpeechSegment, SpeechStream } from './engine.js';

const WORD_LINE = /^(\S+) (\d+\.\d+) (\d+\.\d+) ([\d.]+)$/;
const FILLERS = new Set(['<s>', '</s>', '<sil>', '[NOISE]', '[SPEECH]']);

/**
 * Reads `pocketsphinx_continuous -time yes` output: one hypothesis line per
 * utterance, then one line per word with start/end seconds, ending with </s>.
 */
export function createPocketsphinxParser(onSegment: (s: SpeechSegment) => void) {
  let hypothesis: string | null = null;
  let words: { word: string; start: number; end: number }[] = [];
  return (line: string) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    const m = WORD_LINE.exec(trimmed);
    if (!m) {
      hypothesis = trimmed;
      words = [];
      return;
    }
    const [, word = '', start = '0', end = '0'] = m;
    if (word === '</s>') {
      const spoken = words.filter((w) => !FILLERS.has(w.word));
      const text = hypothesis?.trim() ?? '';
      if (text && spoken.length > 0) {
        const first = spoken[0];
        const last = spoken[spoken.length - 1];
        onSegment({ startMs: Math.round((first?.start ?? 0) * 1000), endMs: Math.round((last?.end ?? 0) * 1000), text, final: true });
      }
      hypothesis = null;
      words = [];
      return;
    }
    words.push({ word: word.replace(/\(\d+\)$/, ''), start: Number(start), end: Number(end) });
  };
}

/** The offline engine: one pocketsphinx process per speaker, fed raw PCM on stdin. */
export class PocketsphinxEngine implements SpeechEngine {
  readonly name = 'pocketsphinx';

  constructor(private readonly binary = '/usr/bin/pocketsphinx_continuous') {}

  /** True when pocketsphinx and its model are installed. */
  static available(binary = '/usr/bin/pocketsphinx_continuous'): boolean {
    return fs.existsSync(binary);
  }

  open(onSegment: (s: SpeechSegment) => void): SpeechStream {
    // Node's stdio "pipes" are sockets, which pocketsphinx cannot open as /dev/stdin: `cat` hands it a real pipe.
    const child: ChildProcessWithoutNullStreams = spawn(
      'sh',
      ['-c', 'cat | exec "$0" -infile /dev/stdin -time yes -logfn /dev/null', this.binary],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    child.stderr.resume();
    const parse = createPocketsphinxParser(onSegment);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', parse);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.stdin.on('error', () => undefined); // the process may go away first; its exit is what counts
    let closed = false;
    return {
      write(pcm) {
        if (closed || child.stdin.destroyed) return;
        child.stdin.write(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      },
      async close() {
        if (closed) return exited;
        closed = true;
        // Trailing silence makes pocketsphinx finish the last utterance before EOF.
        child.stdin.end(Buffer.alloc(16_000 * 2));
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      },
    };
  }
}

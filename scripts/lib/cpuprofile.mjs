// @ts-check
// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per
// function and per part of the stack (Socket.IO, zod, Yjs, our realtime code…).
import fs from 'node:fs';

/** Parts of the server, first match wins (by the function's file). @type {[string, RegExp][]} */
const PARTS = [
  ['engine.io / ws framing', /node_modules\/(\.pnpm\/)?(engine\.io|ws|engine\.io-parser)[@/]/],
  ['socket.io (packets, rooms, acks)', /node_modules\/(\.pnpm\/)?(socket\.io|socket\.io-parser|socket\.io-adapter)[@/]/],
  ['zod parsing', /node_modules\/(\.pnpm\/)?zod[@/]/],
  ['Yjs apply / encode', /node_modules\/(\.pnpm\/)?(yjs|lib0)[@/]/],
  ['awareness (y-protocols)', /node_modules\/(\.pnpm\/)?y-protocols[@/]/],
  ['logging (pino)', /node_modules\/(\.pnpm\/)?(pino|sonic-boom)[@/]/],
  ['Kysely / SQLite (main thread)', /node_modules\/(\.pnpm\/)?kysely[@/]|node:sqlite/],
  ['PostgreSQL client (pg)', /node_modules\/(\.pnpm\/)?(pg|pg-protocol|pg-pool|pg-types)[@/]/],
  [
    'Redis client (ioredis) and the streams adapter',
    /node_modules\/(\.pnpm\/)?(ioredis|redis-parser|@ioredis|@socket\.io\+redis-streams-adapter|@msgpack)[@/]/,
  ],
  ['Tandem realtime (budgets, access, rooms)', /server\/dist\/realtime\//],
  ['Tandem notes (hub, meta, writer hand-off)', /server\/dist\/notes\//],
  ['other Tandem code', /server\/dist\//],
  ['Node internals (streams, timers, net)', /^node:|^internal\/|^$/],
];

/**
 * @param {string | string[]} files one profile, or several processes' (a cluster's nodes) summed
 * @param {number} keystrokes what the load sent while the profile ran
 * @returns {string} a printable summary
 */
export function summariseProfile(files, keystrokes) {
  /** Self time per call frame, over every profile. @type {[{ functionName: string, url: string, lineNumber: number }, number][]} */
  const self = [];
  for (const file of [files].flat()) {
    /** @type {{ nodes: { id: number, callFrame: { functionName: string, url: string, lineNumber: number } }[], samples: number[], timeDeltas: number[] }} */
    const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
    /** @type {Map<number, number>} */
    const byNode = new Map();
    profile.samples.forEach((id, i) => {
      byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
    for (const [id, us] of byNode) {
      const frame = frames.get(id);
      if (frame) self.push([frame, us]);
    }
  }
  /** @type {Map<string, number>} */
  const parts = new Map();
  /** @type {Map<string, number>} */
  const functions = new Map();
  let busy = 0;
  for (const [frame, us] of self) {
    const name = frame.functionName || '(anonymous)';
    if (name === '(idle)' || name === '(program)' || name === '(garbage collector)') {
      if (name !== '(idle)') {
        parts.set(name, (parts.get(name) ?? 0) + us);
        busy += us;
      }
      continue;
    }
    busy += us;
    const part = PARTS.find(([, re]) => re.test(frame.url))?.[0] ?? 'other libraries';
    parts.set(part, (parts.get(part) ?? 0) + us);
    const where = frame.url.replace(/^.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, '').replace(/^.*server\/dist\//, 'server/');
    const key = `${name} (${where}:${frame.lineNumber + 1})`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const per = (/** @type {number} */ us) => (keystrokes > 0 ? (us / keystrokes).toFixed(1) : '–');
  const lines = [
    `  busy ${(busy / 1e6).toFixed(2)} s for ${keystrokes} keystrokes: ${per(busy)} µs per keystroke`,
    '',
    '  by part (self time, µs per keystroke):',
  ];
  for (const [part, us] of [...parts].sort((a, b) => b[1] - a[1])) lines.push(`    ${per(us).padStart(8)}  ${part}`);
  lines.push('', '  top functions (self time, µs per keystroke):');
  for (const [name, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, 25)) lines.push(`    ${per(us).padStart(8)}  ${name}`);
  return lines.join('\n');
}

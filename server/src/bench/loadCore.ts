// The note-pad workload and its measurement, shared by every system the bench compares
// (Tandem, Hocuspocus, the y-websocket server): N sessions of 2 typists at 5 keystrokes per
// second, each keystroke followed by a caret (awareness) update, into a note of ~4,000
// characters. Only the transport differs; the timing, the percentiles and the server's CPU
// and memory readings are this file's.
import fs from 'node:fs';
import * as encoding from 'lib0/encoding';
import type { Awareness } from 'y-protocols/awareness';
import type * as Yjs from 'yjs';

export const KEYS_PER_SECOND = 5;

/** One typist's connection, as a system's own client library (or protocol) makes it. */
export interface Connection {
  doc: Yjs.Doc;
  awareness: Awareness;
  /** True for updates that came from the server (the measured arrivals). */
  isRemote(origin: unknown): boolean;
  /** Resolves when the local changes so far have reached the server (as far as the system can tell). */
  flushed(): Promise<void>;
  /**
   * A system that says when a change is durable (Tandem's acknowledgement): the ms from sending
   * each update to that answer, pushed as they come. Others leave it out.
   */
  savedAfter?: number[];
  /**
   * The lean generator (BENCH_GENERATOR=lean): from here on, keystrokes are sent as `send` is given
   * them and the partner's are only recognised (`arrived`), not applied; see {@link LeanLink}.
   */
  lean?(arrived: () => void): LeanLink;
  close(): void;
}

/**
 * A typist's connection on the lean generator's path. The library path costs the generator
 * ~120-170 µs of CPU per keystroke (its Yjs transaction, the caret's, the client library's
 * framing, and applying the partner's keystroke and caret), more than the servers it loads, and on
 * two cores the capacity search then finds where the generator runs out as much as where the
 * server does. Here every system's generator does the same least a client must: it sends the
 * bytes a client library would send for the keystroke (the same Yjs update and caret, byte for
 * byte, framed as that system's client frames them) and recognises the partner's keystroke in the
 * frames that arrive without decoding it; everything else still goes to the client library.
 */
export interface LeanLink {
  /** Sends one keystroke: its Yjs update and then its caret (awareness update), framed as the system's client does. */
  send(update: Uint8Array, caret: Uint8Array): void;
}

/**
 * The Yjs update (format v1) of typing `text` at the end of a run of text whose last character
 * is `origin` (client, clock): one Item of client `client` at `clock`, its left origin `origin`,
 * no right origin, a string content, and an empty delete set — byte for byte what Yjs's own
 * `update` event gives for `xmlText.insert(xmlText.length, text)` there (tested).
 */
export function appendUpdate(client: number, clock: number, origin: readonly [number, number], text: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1); // clients
  encoding.writeVarUint(e, 1); // structs of this client
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  encoding.writeUint8(e, 0x80 | 4); // an Item with a left origin; content: a string
  encoding.writeVarUint(e, origin[0]);
  encoding.writeVarUint(e, origin[1]);
  encoding.writeVarString(e, text);
  encoding.writeVarUint(e, 0); // delete set: no clients
  return encoding.toUint8Array(e);
}

/** y-protocols' awareness update for one client's state at `clock` (as `encodeAwarenessUpdate` makes it). */
export function caretUpdate(client: number, clock: number, state: unknown): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint(e, client);
  encoding.writeVarUint(e, clock);
  encoding.writeVarString(e, JSON.stringify(state));
  return encoding.toUint8Array(e);
}

/**
 * A y-protocols message as the peers' providers frame it: the document's name first when given
 * (Hocuspocus), then the message types (sync 0 + update 2, or awareness 1), then the payload with
 * its length. With no types and an empty payload it is the name's bytes and one length byte.
 */
export function yMessage(documentName: string | null, types: readonly number[], payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  if (documentName !== null) encoding.writeVarString(e, documentName);
  for (const type of types) encoding.writeVarUint(e, type);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** How a system's typist connects: session `index`, typist 0 or 1. */
export type Connect = (index: number, typist: 0 | 1) => Promise<Connection>;

interface Typist {
  c: Connection;
  text: Yjs.XmlText;
  /** Send times of this typist's keystrokes not yet seen by the partner, in order. */
  inFlight: number[];
  partner?: Typist;
  /** On the lean path: where the next keystroke goes, and what it builds on. */
  lean?: {
    link: LeanLink;
    client: number;
    /** The clock of the next character, and the id of the last one (the next one's left origin). */
    clock: number;
    origin: [number, number];
    /** The text's length, and the caret's clock and state (the awareness's own, moved on here). */
    length: number;
    caretClock: number;
    caretState: Record<string, unknown>;
  };
}

/** The id of the last character of a text (the typist's own run: nothing is deleted in this workload). */
function lastCharacter(text: Yjs.XmlText): [number, number] | null {
  let item = text._start;
  let last = null;
  while (item) {
    last = item;
    item = item.right;
  }
  return last ? [last.id.client, last.id.clock + last.length - 1] : null;
}

/** utime + stime in clock ticks; with `reaped`, plus those of its children that ended (cutime + cstime). */
export function cpuTicks(pid: number, file = `/proc/${pid}/stat`, reaped = false): number {
  return statTicks(file, reaped).all;
}
/** A process's or thread's CPU from one read of its stat file: all of it (as {@link cpuTicks}), and stime alone (in the kernel). */
function statTicks(file: string, reaped = false): { all: number; kernel: number } {
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const kernel = Number(fields[12]);
  return { all: Number(fields[11]) + kernel + (reaped ? Number(fields[13]) + Number(fields[14]) : 0), kernel };
}
/** CPU ticks by thread name (`/proc/<pid>/task/<tid>/comm`): where the process's CPU went besides its main thread. */
export function cpuTicksByThread(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const key = tid === String(pid) ? 'main' : name;
      const ticks = statTicks(`/proc/${pid}/task/${tid}/stat`);
      byName.set(key, (byName.get(key) ?? 0) + ticks.all);
      // The main thread's time in the kernel (socket writes and reads, wake-ups), part of `main`.
      if (key === 'main') byName.set('main in the kernel', ticks.kernel);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return byName;
}
/** The processes whose parent is `pid` (a PostgreSQL server's backends). */
export function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // gone between the listing and the read
    }
  }
  return children;
}

/**
 * Processes the server is made of besides its main one (cluster mode: the other nodes, Redis,
 * PostgreSQL with its backends, the load balancer), by name: `name=pid`, `+` after the pid to
 * count its children too. Read again at the end of the run (a backend may have started since).
 */
export function parseProcesses(spec: string): { main: number; others: () => Map<string, number[]> } {
  const entries = spec.split(',').map((part) => {
    const [name = '', pidRaw = ''] = part.includes('=') ? part.split('=') : ['main', part];
    return { name, pid: Number(pidRaw.replace(/\+$/, '')), children: pidRaw.endsWith('+') };
  });
  const [first, ...rest] = entries;
  return {
    main: first?.pid ?? 0,
    others: () => new Map(rest.map((e) => [e.name, e.children ? [e.pid, ...childrenOf(e.pid)] : [e.pid]])),
  };
}

/**
 * CPU ticks of each named group of processes. A child that ended during the run (a PostgreSQL
 * backend whose pooled connection closed) still counts: its time moved to its parent's reaped
 * children's time, which is counted too (without it, the group's total could go down).
 */
function groupTicks(groups: Map<string, number[]>): { all: Map<string, number>; kernel: Map<string, number> } {
  const all = new Map<string, number>();
  const kernel = new Map<string, number>();
  for (const [name, pids] of groups) {
    let ticks = 0;
    let inKernel = 0;
    for (const pid of pids) {
      try {
        const t = statTicks(`/proc/${pid}/stat`, true);
        ticks += t.all;
        inKernel += t.kernel;
      } catch {
        // ended
      }
    }
    all.set(name, ticks);
    kernel.set(name, inKernel);
  }
  return { all, kernel };
}

/** Read-like and write-like system calls a process made so far, every thread's (`/proc/<pid>/io` syscr, syscw: sockets and files alike). */
export function syscalls(pid: number): { reads: number; writes: number } {
  const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
  return { reads: Number(/syscr:\s+(\d+)/.exec(io)?.[1] ?? Number.NaN), writes: Number(/syscw:\s+(\d+)/.exec(io)?.[1] ?? Number.NaN) };
}

export function rssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

/** The nearest-rank percentile of sorted samples. */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

export interface LoadResult {
  sessions: number;
  keystrokes: number;
  keystrokesPerSecond: number;
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  serverCpuPercent: number;
  serverCpuMicrosPerKeystroke: number;
  rssPerSessionBytes: number;
  /** CPU µs per keystroke by thread name (the main thread as `main`). */
  threadMicrosPerKeystroke: Record<string, number>;
  /** The server's (main process's) read and write system calls per keystroke, sockets and its database's files alike. */
  syscallsPerKeystroke: { reads: number; writes: number };
  /** The load generator's own CPU (this process, every thread), in % of one core: it shares the machine. */
  generatorCpuPercent: number;
  /** Which generator sent the keystrokes: the system's client library, or the lean path ({@link LeanLink}). */
  generator: 'library' | 'lean';
  rssLoaded: number;
  rssEnd: number;
  /** From sending an update to the server's word that it is durable ("saved"), for systems that say so. */
  saved?: { samples: number; p50: number; p99: number; max: number };
}

const waitFor = async (ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
};

/**
 * Runs the workload against one server process and measures it. `Y` is the caller's own Yjs
 * (a second copy of Yjs in one process breaks its type checks).
 */
export async function runLoad(options: {
  Y: typeof Yjs;
  sessions: number;
  serverPid: number;
  /** More processes counted as the server's (cluster mode), by name; see {@link parseProcesses}. */
  otherProcesses?: () => Map<string, number[]>;
  seconds: number;
  connect: Connect;
  /** The lean generator: every connection must offer it (see {@link LeanLink}). */
  lean?: boolean;
}): Promise<LoadResult> {
  const { Y, sessions, serverPid, seconds, connect } = options;
  const others = options.otherProcesses ?? (() => new Map<string, number[]>());
  const latencies: number[] = [];
  let measuring = false;
  let sent = 0;

  const join = async (index: number, who: 0 | 1): Promise<Typist> => {
    const c = await connect(index, who);
    const fragment = c.doc.getXmlFragment('default');
    // A note with an agenda: Tandem's opens with one; a bare Yjs server gets the same shape from the first typist.
    if (who === 0 && fragment.length < 4) {
      fragment.insert(
        fragment.length,
        Array.from({ length: 4 - fragment.length }, () => new Y.XmlElement('paragraph')),
      );
    }
    await waitFor(() => fragment.length >= 4, 5000);
    const para = fragment.get(who === 0 ? 1 : 3) as Yjs.XmlElement;
    const typist: Typist = { c, text: new Y.XmlText(), inFlight: [] };
    para.insert(0, [typist.text]);
    c.doc.on('update', (_u: Uint8Array, origin: unknown) => {
      if (c.isRemote(origin)) arrived(typist);
    });
    c.awareness.setLocalStateField('user', { name: `typist ${index}.${who}`, color: '#f59e0b' });
    await c.flushed();
    return typist;
  };

  /** The partner's keystroke reached this typist. */
  const arrived = (typist: Typist) => {
    const sentAt = typist.partner?.inFlight.shift();
    if (measuring && sentAt !== undefined) latencies.push(performance.now() - sentAt);
  };

  const keystroke = (t: Typist) => {
    t.inFlight.push(performance.now());
    sent += 1;
    const character = String.fromCharCode(97 + Math.floor(Math.random() * 26));
    const lean = t.lean;
    if (!lean) {
      t.text.insert(t.text.length, character);
      t.c.awareness.setLocalStateField('cursor', { anchor: t.text.length, head: t.text.length });
      return;
    }
    const update = appendUpdate(lean.client, lean.clock, lean.origin, character);
    lean.origin = [lean.client, lean.clock + character.length - 1];
    lean.clock += character.length;
    lean.length += character.length;
    lean.caretClock += 1;
    lean.caretState = { ...lean.caretState, cursor: { anchor: lean.length, head: lean.length } };
    lean.link.send(update, caretUpdate(lean.client, lean.caretClock, lean.caretState));
  };

  /**
   * Moves a typist to the lean path: one keystroke through its client library first (so its text
   * has a last character and its caret a state), then the ids and clocks it builds on from there.
   */
  const goLean = (t: Typist) => {
    const { c } = t;
    const origin = lastCharacter(t.text);
    const caret = c.awareness.meta.get(c.doc.clientID);
    const caretState = c.awareness.getLocalState();
    if (!c.lean || !origin || !caret || !caretState) throw new Error('this connection has no lean path');
    // The awareness's own timer would renew the caret (with its own, older clock) and time the
    // partner's out, which the lean path no longer applies.
    clearInterval((c.awareness as unknown as { _checkInterval: NodeJS.Timeout })._checkInterval);
    t.lean = {
      link: c.lean(() => arrived(t)),
      client: c.doc.clientID,
      clock: Y.getState(c.doc.store, c.doc.clientID),
      origin,
      length: t.text.length,
      caretClock: caret.clock,
      caretState,
    };
  };

  const rssBefore = rssBytes(serverPid);
  const typists: [Typist, Typist][] = [];
  for (let i = 0; i < sessions; i++) {
    const a = await join(i, 0);
    const b = await join(i, 1);
    a.partner = b;
    b.partner = a;
    typists.push([a, b]);
  }
  // A typical week's note: ~4,000 characters typed in ~200 bursts.
  await Promise.all(
    typists.map(async ([a]) => {
      for (let i = 0; i < 200; i++) {
        a.text.insert(Math.floor(Math.random() * (a.text.length + 1)), 'weekly note text ab ');
        if (i % 20 === 19) await a.c.flushed();
      }
      await a.c.flushed();
    }),
  );
  if (options.lean) {
    for (const pair of typists) for (const t of pair) keystroke(t);
    await Promise.all(typists.flatMap((pair) => pair.map((t) => t.c.flushed())));
  }
  await new Promise((r) => setTimeout(r, 1000));
  for (const [a, b] of typists) {
    a.inFlight.length = 0;
    b.inFlight.length = 0;
    if (options.lean) {
      goLean(a);
      goLean(b);
    }
  }
  const rssLoaded = rssBytes(serverPid);

  // Each typist on its own timer, phase-shifted so the load is spread evenly.
  const timers: NodeJS.Timeout[] = [];
  for (const pair of typists) {
    for (const t of pair) {
      timers.push(
        setTimeout(
          () => {
            keystroke(t);
            timers.push(setInterval(() => keystroke(t), 1000 / KEYS_PER_SECOND));
          },
          Math.random() * (1000 / KEYS_PER_SECOND),
        ),
      );
    }
  }
  await new Promise((r) => setTimeout(r, 2000)); // warm-up
  measuring = true;
  sent = 0;
  for (const pair of typists) for (const t of pair) t.c.savedAfter?.splice(0);
  const cpuStart = cpuTicks(serverPid);
  const callsStart = syscalls(serverPid);
  const threadsStart = cpuTicksByThread(serverPid);
  const { all: othersStart, kernel: othersKernelStart } = groupTicks(others());
  const generatorStart = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  const cpuEnd = cpuTicks(serverPid);
  const callsEnd = syscalls(serverPid);
  const threadsEnd = cpuTicksByThread(serverPid);
  const { all: othersEnd, kernel: othersKernelEnd } = groupTicks(others());
  const generator = process.cpuUsage(generatorStart);
  measuring = false;
  for (const t of timers) clearInterval(t);
  const saved = typists.flatMap((pair) => pair.flatMap((t) => t.c.savedAfter ?? [])).sort((x, y) => x - y);
  const rssEnd = rssBytes(serverPid);
  for (const [a, b] of typists) {
    a.c.close();
    b.c.close();
  }

  latencies.sort((x, y) => x - y);
  const ticksPerSecond = 100;
  const perKeystroke = (ticks: number) => ((ticks / ticksPerSecond) * 1e6) / Math.max(1, sent);
  const threadMicrosPerKeystroke: Record<string, number> = {};
  for (const [name, ticks] of threadsEnd) {
    const used = ticks - (threadsStart.get(name) ?? 0);
    if (used > 0) threadMicrosPerKeystroke[name] = perKeystroke(used);
  }
  // Other processes of the server: each its own entry, all in the server's total.
  let othersUsed = 0;
  for (const [name, ticks] of othersEnd) {
    const used = Math.max(0, ticks - (othersStart.get(name) ?? 0));
    othersUsed += used;
    if (used > 0) threadMicrosPerKeystroke[name] = perKeystroke(used);
  }
  // Shown, not added again: each node's time in the kernel (part of its figure above).
  for (const [name, ticks] of othersKernelEnd) {
    const used = ticks - (othersKernelStart.get(name) ?? 0);
    if (name.startsWith('node-') && used > 0) threadMicrosPerKeystroke[`${name} in the kernel`] = perKeystroke(used);
  }
  return {
    sessions,
    keystrokes: sent,
    keystrokesPerSecond: sent / elapsed,
    samples: latencies.length,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? Number.NaN,
    serverCpuPercent: ((cpuEnd - cpuStart + othersUsed) / ticksPerSecond / elapsed) * 100,
    serverCpuMicrosPerKeystroke: perKeystroke(cpuEnd - cpuStart + othersUsed),
    threadMicrosPerKeystroke,
    syscallsPerKeystroke: {
      reads: (callsEnd.reads - callsStart.reads) / Math.max(1, sent),
      writes: (callsEnd.writes - callsStart.writes) / Math.max(1, sent),
    },
    generatorCpuPercent: ((generator.user + generator.system) / 1e6 / elapsed) * 100,
    generator: options.lean ? 'lean' : 'library',
    rssPerSessionBytes: (rssLoaded - rssBefore) / sessions,
    rssLoaded,
    rssEnd,
    ...(typists.some((pair) => pair.some((t) => t.c.savedAfter))
      ? { saved: { samples: saved.length, p50: percentile(saved, 50), p99: percentile(saved, 99), max: saved.at(-1) ?? Number.NaN } }
      : {}),
  };
}

import { setImmediate as nextTurn } from 'node:timers/promises';
import { ErrorCode, type Result } from '@tandem/shared';
import type { FastifyBaseLogger } from 'fastify';
import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { leanEvents } from './leanEvents.js';
import { type NoteStore, type NoteWrite, nothingStored } from './noteStore.js';
import { writeTemplate } from './template.js';

/** How a new note starts: the agenda, and the to-dos carried from the session before. */
export interface NoteInit {
  template: readonly string[];
  carried?: () => Promise<string[]>;
  /** The pair's current project, linked under the agenda's project section. */
  project?: () => Promise<{ title: string; href: string } | null>;
}

/** A note (a session's shared note, or a mentorship's private note) while someone has it open. */
export interface LiveNote {
  /** The note's key: its session, or for a private note its mentorship. */
  id: string;
  doc: Y.Doc;
  awareness: Awareness;
  /** Sequence number of the last update appended to the log. */
  seq: number;
  /** Updates appended since the last snapshot. */
  sinceSnapshot: number;
  /** The count of {@link sinceSnapshot} at which the next snapshot is due (see {@link snapshotDue}). */
  snapshotAt: number;
  /** Connections that have this note open. */
  members: Set<string>;
  /** Which connection each awareness client id belongs to. */
  awarenessOwners: Map<number, string>;
  /**
   * The session ended (or is ending): the note takes no more edits from anyone. A property
   * of the note; whether one connection may write (a pair member vs an admin) is the connection's.
   */
  frozen: boolean;
  /** A write of this note failed: this copy is gone from the hub and takes nothing more (see NoteHub.discard). */
  discarded?: boolean;
}

/**
 * Cluster mode: the other nodes holding the same notes (realtime/noteCluster.ts). Without it,
 * this node is the only one and nothing below is called.
 */
export interface NotePeers {
  /** Before a note is read from the database: start receiving what other nodes do to it. */
  opening(id: string): Promise<void>;
  /** Loaded: ask the nodes that hold it for what the database did not have yet. */
  opened(note: LiveNote): void;
  /** Unloaded (or failed to load): stop receiving its traffic. */
  closed(id: string): void;
  /** Resolves once every other node holding the note has frozen it and made its writes durable (bounded). */
  freezeOthers(id: string): Promise<void>;
  settleOthers(id: string, ended: boolean): void;
  /** A write of this note failed here: every holder drops its copy (see NoteHub.discard). */
  discarded(id: string): void;
}

export interface NoteHubOptions {
  /** Compact the log into a snapshot after this many updates (on average: see {@link snapshotDue}). */
  snapshotEvery: number;
  /** The shortest time between two snapshots started by keystrokes on this node (default {@link SNAPSHOT_SPACING_MS}). */
  snapshotSpacingMs?: number;
  /**
   * Group commit: a batch starts at least this long after the one before it, so that under
   * load each commit (an fsync) carries many keystrokes; an idle note's first write commits at
   * once. What it costs is at most this much more time before an update is acknowledged.
   */
  commitWindowMs?: number;
  /**
   * A batch this large starts at once, whatever is left of the window: a busy node's commits stay
   * this size (a ~430 µs commit is nothing per keystroke there), and their acknowledgements do
   * not come in bursts of thousands that hold the relays behind them.
   */
  commitAtWrites?: number;
  log: FastifyBaseLogger;
  peers?: NotePeers;
}

interface Pending {
  write: NoteWrite;
  resolve(): void;
  reject(error: unknown): void;
}

const SERVER_ORIGIN = Symbol('server');

/**
 * After how many updates a note's next snapshot is due: `every` on average, spread over half to
 * one and a half times it by a hash of the note and where its log stands (the same answer for
 * the same note and seq, so the tests are reproducible). Notes opened together and typed in at
 * the same pace (a programme's sessions start on the hour; the bench's start at once) would
 * otherwise all compact in the same second: 575 snapshots in ~1.5 s held the node's loop for
 * 30–135 ms at a time, the p99 of a 40-s run 176 ms instead of 26 without them.
 */
export function snapshotDue(id: string, seq: number, every: number): number {
  // FNV-1a over the id and the seq, then mixed.
  let h = 0x811c9dc5;
  const mix = (c: number) => {
    h = Math.imul(h ^ c, 0x01000193);
  };
  for (let i = 0; i < id.length; i++) mix(id.charCodeAt(i));
  for (let v = seq; v > 0; v = Math.floor(v / 256)) mix(v % 256);
  // MurmurHash3's finaliser: ids that differ in their last characters land far apart.
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.max(1, Math.round(every * (0.5 + (h >>> 0) / 2 ** 32)));
}

/**
 * The shortest time between two snapshots a keystroke starts on this node (a note that leaves
 * still snapshots at once). A note whose snapshot is due waits for a free slot at its next update;
 * the log it keeps meanwhile is only a little longer. 50 a second is far more than a full node's
 * notes need (~15: 700 sessions at 10 keystrokes a second, one snapshot per 500), and a node that
 * restarts (every note reopened with its log due at its first keystroke) compacts at that pace.
 */
const SNAPSHOT_SPACING_MS = 20;

/**
 * Holds one Y.Doc per open note, applies checked client updates, and makes each
 * durable (group-committed with others from the same tick) before it is acknowledged.
 * A note is compacted and dropped from memory when its last member leaves.
 */
export class NoteHub {
  private readonly notes = new Map<string, Promise<LiveNote>>();
  /** Sessions being ended: a note loaded meanwhile opens frozen (the database says so once the end commits). */
  private readonly freezing = new Set<string>();
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  /** When the last batch started committing (performance.now()). */
  private lastCommit = Number.NEGATIVE_INFINITY;
  /** Ends the window now (set while one runs): the queue reached `commitAtWrites`. */
  private endWindow: (() => void) | null = null;
  /** Durable writes whose promises are not resolved yet, oldest first, from `ackHead` on (see `acknowledge`). */
  private toAck: Pending[] = [];
  private ackHead = 0;
  /** Set while `toAck` is being worked through. */
  private acking: Promise<void> | null = null;
  /** When a keystroke last started a snapshot (performance.now()). */
  private lastSnapshot = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: NoteStore,
    private readonly options: NoteHubOptions,
  ) {}

  /** Number of notes held in memory. */
  get size(): number {
    return this.notes.size;
  }

  /** Opens (loading or creating) a note and adds a member. Opening never changes whether the note is frozen. */
  async open(id: string, memberId: string, init: NoteInit): Promise<LiveNote> {
    let pending = this.notes.get(id);
    if (!pending) {
      pending = this.load(id, init);
      this.notes.set(id, pending);
      pending.catch(() => {
        this.notes.delete(id);
        this.options.peers?.closed(id);
      });
    }
    const note = await pending;
    if (this.freezing.has(id)) note.frozen = true;
    note.members.add(memberId);
    return note;
  }

  /** The live note if it is loaded (and loading has finished). */
  async get(id: string): Promise<LiveNote | undefined> {
    return this.notes.get(id);
  }

  private async load(id: string, init: NoteInit): Promise<LiveNote> {
    // Subscribed before reading: what another node does from now on reaches this doc.
    await this.options.peers?.opening(id);
    let stored = await this.store.load(id);
    /** A brand-new note's first update: its agenda, written here. */
    let created: Uint8Array | null = null;
    if (nothingStored(stored) && !stored.closed && !this.freezing.has(id)) {
      // Last session's unchecked to-dos go into the check-in section (read only for a new note).
      const carried = init.carried ? await init.carried().catch(() => []) : [];
      const project = init.project ? await init.project().catch(() => null) : null;
      const agenda = new Y.Doc();
      writeTemplate(agenda, init.template, carried, project);
      // An empty agenda (no sections) writes nothing.
      if (agenda.store.clients.size > 0) created = Y.encodeStateAsUpdate(agenda);
      // Several nodes: the first to write it wins; the others open what it wrote (one agenda, not two).
      if (created && this.store.shared) {
        const other = await this.store.createFirst(id, created);
        if (other) {
          stored = other;
          created = null;
        }
      }
    }
    // Every keystroke is a transaction on it: its events cost nothing when nobody listens (leanEvents).
    const doc = leanEvents(new Y.Doc({ gc: true }));
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot.state, SERVER_ORIGIN);
    for (const u of stored.updates) Y.applyUpdate(doc, u.update, SERVER_ORIGIN);
    if (created) Y.applyUpdate(doc, created, SERVER_ORIGIN);
    const seq = stored.updates.at(-1)?.seq ?? stored.snapshot?.seq ?? 0;
    const note: LiveNote = {
      id,
      doc,
      awareness: new Awareness(doc),
      seq,
      sinceSnapshot: stored.updates.length,
      snapshotAt: snapshotDue(id, seq, this.options.snapshotEvery),
      members: new Set(),
      awarenessOwners: new Map(),
      frozen: stored.closed || this.freezing.has(id),
    };
    // The server keeps no awareness state of its own: it only relays clients'.
    note.awareness.setLocalState(null);
    // One node (SQLite): the agenda is durable like any update, before the note opens.
    if (created && !this.store.shared) await this.enqueue({ kind: 'append', id, seq: ++note.seq, update: created });
    this.options.peers?.opened(note);
    return note;
  }

  /**
   * Checks and applies one client update, then resolves once it is durable.
   * Refuses (and leaves the note untouched) anything malformed or out of sync.
   */
  async applyClientUpdate(
    note: LiveNote,
    update: Uint8Array,
    origin: unknown,
    onApplied?: () => void,
  ): Promise<Result<Record<string, never>>> {
    if (note.discarded) return { ok: false, error: { code: ErrorCode.OutOfSync, message: 'This note is being reloaded; resync first.' } };
    if (note.frozen)
      return { ok: false, error: { code: ErrorCode.SessionClosed, message: 'This session has ended; its note is read-only.' } };
    /** Where the update starts, per client: the lowest clock of its structs. */
    const from = new Map<number, number>();
    try {
      // Decodes every struct once: a truncated or garbled update throws here, before it touches the doc.
      for (const struct of Y.decodeUpdate(update).structs) {
        const { client, clock } = struct.id;
        const seen = from.get(client);
        if (seen === undefined || clock < seen) from.set(client, clock);
      }
    } catch {
      return { ok: false, error: { code: ErrorCode.ValidationFailed, message: 'Malformed note update.' } };
    }
    // Read straight from the doc's store (encoding and decoding its whole state vector per
    // keystroke was among the top functions of the profile).
    for (const [client, clock] of from) {
      if (clock > Y.getState(note.doc.store, client)) {
        return {
          ok: false,
          error: { code: ErrorCode.OutOfSync, message: 'This update builds on changes the server does not have; resync first.' },
        };
      }
    }
    try {
      Y.applyUpdate(note.doc, update, origin);
    } catch (error) {
      this.options.log.error({ err: error, noteId: note.id }, 'a checked update failed to apply; reloading the note');
      this.notes.delete(note.id);
      return { ok: false, error: { code: ErrorCode.ValidationFailed, message: 'The note update could not be applied.' } };
    }
    onApplied?.();
    note.seq += 1;
    note.sinceSnapshot += 1;
    const durable = this.enqueue({ kind: 'append', id: note.id, seq: note.seq, update });
    if (note.sinceSnapshot >= note.snapshotAt && this.snapshotSlot())
      this.snapshot(note).catch((err: unknown) => this.options.log.error({ err, noteId: note.id }, 'snapshot failed'));
    await durable;
    return { ok: true, data: {} };
  }

  /** Removes a member; the last one out triggers a snapshot and unloads the note. */
  async leave(id: string, memberId: string): Promise<void> {
    const pending = this.notes.get(id);
    if (!pending) return;
    const note = await pending.catch(() => null);
    if (!note || !note.members.delete(memberId) || note.members.size > 0) return;
    if (note.sinceSnapshot > 0)
      await this.snapshot(note).catch((err: unknown) => this.options.log.error({ err, noteId: id }, 'snapshot failed'));
    if (note.members.size === 0 && this.notes.get(id) === pending) {
      this.notes.delete(id);
      this.options.peers?.closed(id);
      note.awareness.destroy();
      note.doc.destroy();
    }
  }

  /**
   * Drops a note whose write failed: whoever still writes to this copy is told it is out of sync,
   * re-syncs from what IS stored (a fresh load) and sends what that lacks again.
   */
  discard(id: string, toldByPeer = false, error: unknown = new Error('note discarded')): void {
    // Updates of it waiting for the next batch were applied to the same copy after the failed
    // ones: none may be acknowledged (an ack covers everything sent before it).
    const waiting = this.queue.filter((p) => p.write.kind !== 'barrier' && p.write.id === id);
    if (waiting.length > 0) {
      this.queue = this.queue.filter((p) => !waiting.includes(p));
      for (const p of waiting) p.reject(error);
    }
    const pending = this.notes.get(id);
    if (!pending) return;
    this.notes.delete(id);
    // The other holders got the failed updates too (relayed before being durable): they drop theirs as well.
    if (!toldByPeer) this.options.peers?.discarded(id);
    this.options.peers?.closed(id);
    void pending.then(
      (note) => {
        note.discarded = true;
      },
      () => undefined,
    );
  }

  /** Whether a due snapshot may start now (at most one per `snapshotSpacingMs`); takes the slot when it may. */
  private snapshotSlot(): boolean {
    const now = performance.now();
    if (now - this.lastSnapshot < (this.options.snapshotSpacingMs ?? SNAPSHOT_SPACING_MS)) return false;
    this.lastSnapshot = now;
    return true;
  }

  /** Writes the whole state as a snapshot and drops the log entries it covers. */
  snapshot(note: LiveNote): Promise<void> {
    note.sinceSnapshot = 0;
    note.snapshotAt = snapshotDue(note.id, note.seq, this.options.snapshotEvery);
    return this.enqueue({ kind: 'compact', id: note.id, seq: note.seq, state: Y.encodeStateAsUpdate(note.doc) });
  }

  /** The note's current state (live if open, else as stored), without opening or changing it. */
  async current(id: string, db?: Parameters<NoteStore['load']>[1]): Promise<Uint8Array | null> {
    const live = await this.notes.get(id)?.catch(() => null);
    if (live) return Y.encodeStateAsUpdate(live.doc);
    return this.storedState(id, db);
  }

  /** A note's state as stored (snapshot and the updates after it), null when nothing is stored. */
  private async storedState(id: string, db?: Parameters<NoteStore['load']>[1]): Promise<Uint8Array | null> {
    const stored = await this.store.load(id, db);
    if (nothingStored(stored)) return null;
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot.state);
    for (const u of stored.updates) Y.applyUpdate(doc, u.update);
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return state;
  }

  /**
   * Freezes a session's note (no more edits are accepted) and returns its final
   * state once everything acknowledged is durable. Works whether or not the note is open,
   * and in cluster mode on every node that holds it.
   */
  async freeze(id: string): Promise<Uint8Array> {
    const live = await this.freezeHere(id);
    // The other holders' updates reach this doc before their answer does (one connection each, in order).
    await this.options.peers?.freezeOthers(id);
    if (live) return Y.encodeStateAsUpdate(live.doc);
    return (await this.storedState(id)) ?? Y.encodeStateAsUpdate(new Y.Doc());
  }

  /** This node's part of {@link freeze}: no more edits here, and what it took is durable. */
  async freezeHere(id: string): Promise<LiveNote | null> {
    // First, before any await: a join racing with the end finds the note frozen, whether it is loaded yet or not.
    this.freezing.add(id);
    const pending = this.notes.get(id);
    const live = pending ? await pending.catch(() => null) : null;
    if (live) live.frozen = true;
    await this.barrier();
    return live;
  }

  /**
   * The end that froze the note is settled: with `ended`, the database now says the session is
   * over (and the note stays frozen); without, the end failed and the note takes edits again.
   */
  async settle(id: string, ended: boolean): Promise<void> {
    this.options.peers?.settleOthers(id, ended);
    await this.settleHere(id, ended);
  }

  async settleHere(id: string, ended: boolean): Promise<void> {
    this.freezing.delete(id);
    if (ended) return;
    const live = await this.notes.get(id)?.catch(() => null);
    if (live) live.frozen = false;
  }

  /** Resolves once every write queued before it is durable (a join answers only after this). */
  barrier(): Promise<void> {
    return this.enqueue({ kind: 'barrier' });
  }

  /** Waits until everything queued so far is durable. */
  async drain(): Promise<void> {
    for (;;) {
      if (this.flushing) await this.flushing;
      else if (this.queue.length > 0) await this.flush();
      else if (this.acking) await this.acking;
      else return;
    }
  }

  private enqueue(write: NoteWrite): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ write, resolve, reject });
      if (!this.flushing) this.flushing = this.flush();
      else if (this.endWindow && this.batchFull) this.endWindow();
    });
  }

  /** The writes waiting make a full batch (`commitAtWrites`): it starts without waiting for the window. */
  private get batchFull(): boolean {
    return this.queue.length >= (this.options.commitAtWrites ?? Number.POSITIVE_INFINITY);
  }

  /** Until the next batch may start: the rest of the commit window (or until the batch is full), or the end of this tick. */
  private untilNextCommit(): Promise<void> {
    const window = this.options.commitWindowMs ?? 0;
    let wait = this.batchFull ? 0 : this.lastCommit + window - performance.now();
    // Several nodes on one PostgreSQL: a busy node's commits fall on the wall clock's multiples of
    // the window, so every node's commit reaches the database at the same moment and they share
    // its WAL flush (measured alone, three connections committing ten times a second: ~30% less
    // PostgreSQL CPU per commit than at staggered times). An idle note's first write still
    // commits at once; the one after it moves to the nearest multiple, at most half a window
    // sooner or later (rounding up instead made it wait up to two windows, and a person typing
    // word by word saw "saved" that much later). A full batch (commitAtWrites) waits for neither.
    if (wait >= 1 && this.store.shared) {
      const due = Date.now() + wait;
      wait += Math.round(due / window) * window - due;
    }
    if (wait < 1) return nextTurn();
    return new Promise((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.endWindow = null;
        resolve();
      };
      const timer = setTimeout(end, wait);
      this.endWindow = end;
    });
  }

  // One writer: while a batch commits (or its window runs), new writes gather into the next batch.
  private async flush(): Promise<void> {
    await this.untilNextCommit();
    while (this.queue.length > 0) {
      this.lastCommit = performance.now();
      const batch = this.queue;
      this.queue = [];
      try {
        await this.store.commit(batch.map((p) => p.write));
        this.acknowledge(batch);
      } catch (error) {
        this.options.log.error({ err: error, writes: batch.length }, 'note batch failed to commit');
        // Those notes' docs hold updates that are not durable: they must never be acknowledged
        // later, by a snapshot or by a re-sent copy the doc would call a repeat. They are dropped
        // from memory; their people re-sync from what IS stored and send what it lacks again.
        for (const p of batch) p.reject(error);
        for (const id of new Set(batch.flatMap((p) => (p.write.kind === 'barrier' ? [] : [p.write.id])))) this.discard(id, false, error);
      }
      if (this.queue.length > 0) await this.untilNextCommit();
    }
    this.flushing = null;
  }

  /**
   * Resolves a committed batch's writes (their acks go out) in order, after those of the batches
   * before it, in turns of the event loop so the sockets are read in between — and without
   * holding up the next commit. A turn answers a quarter of what is waiting (at least
   * ACKS_PER_TURN): with a fixed number per turn a full node's acks could never catch up (each
   * turn of its loop reads hundreds of sockets, so 64 acks a turn is fewer than the keystrokes
   * read meanwhile), and the next commit waited for the last of them; a share of the backlog
   * catches up within a few turns whatever a turn costs. (It does not make an overloaded node
   * keep up: see the README, "what a sustained load shows".)
   */
  private acknowledge(batch: Pending[]): void {
    for (const p of batch) this.toAck.push(p);
    if (this.acking) return;
    this.ackTurn();
    if (this.ackHead < this.toAck.length) this.acking = this.ackRest();
    else {
      this.toAck = [];
      this.ackHead = 0;
    }
  }

  /** One turn's share of the waiting acks. */
  private ackTurn(): void {
    const end = this.ackHead + Math.max(ACKS_PER_TURN, Math.ceil((this.toAck.length - this.ackHead) / 4));
    while (this.ackHead < end && this.ackHead < this.toAck.length) (this.toAck[this.ackHead++] as Pending).resolve();
  }

  private async ackRest(): Promise<void> {
    do {
      await nextTurn();
      this.ackTurn();
    } while (this.ackHead < this.toAck.length);
    this.toAck = [];
    this.ackHead = 0;
    this.acking = null;
  }
}

/**
 * How many waiting writes, at least, are acknowledged before the node turns to its sockets again. A busy
 * node's batch holds thousands (a window's keystrokes of every note); answering them all at once
 * held the relays arriving meanwhile for tens of ms (at 800 sessions and a 250-ms window, p99
 * 85 ms instead of 43 with 100 ms).
 */
const ACKS_PER_TURN = 64;

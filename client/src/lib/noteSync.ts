import {
  ClientEvent,
  type ClientToServerEvents,
  ErrorCode,
  type NoteChannel,
  NoteChannels,
  parseNoteEnvelope,
  RealtimeLimits,
  type ServerToClientEvents,
} from '@tandem/shared';
import type { Socket } from 'socket.io-client';
import { type Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { errorText, i18n } from '../i18n/index.js';
import type { SyncSource } from './syncSource.js';

/** What the "saved" indicator shows. `saved` means the server has durably stored every local edit. */
export type SaveState = 'connecting' | 'saving' | 'saved' | 'offline' | 'error';

export interface NoteSyncStatus {
  save: SaveState;
  readOnly: boolean;
  /** A message for people when save is 'error'. */
  message: string | null;
}

export type NoteSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The socket as one note's channel uses it: event names come from the channel, payloads are checked on arrival. */
interface ChannelSocket {
  readonly connected: boolean;
  on(event: string, listener: (raw: unknown) => void): unknown;
  off(event: string, listener: (raw: unknown) => void): unknown;
  emit(event: string, payload: unknown): unknown;
  timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
}

/** Origin of changes that came from the server: they never enter the local undo history or get echoed back. */
export const REMOTE = Symbol('remote');
const ACK_TIMEOUT_MS = 10_000;
/** After a failed store or load (the server's database away), a re-sync is tried after this, doubling up to the max. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5_000;

/**
 * Keeps one Y.Doc in sync with the server's copy of a session's note over a
 * Socket.IO connection. On every (re)connect it runs the y-protocols sync
 * exchange (state vector -> missing updates, both ways); in between, each
 * local update is sent on its own and counted as saved only when the server
 * acknowledges it, which it does after the update is durable.
 */
export class NoteSync implements SyncSource<NoteSyncStatus> {
  private localSeq = 0;
  private ackedSeq = 0;
  private synced = false;
  private status: NoteSyncStatus = { save: 'connecting', readOnly: false, message: null };
  private readonly listeners = new Set<() => void>();
  private destroyed = false;

  private readonly socket: ChannelSocket;

  constructor(
    socket: NoteSocket,
    /** The note's key on its channel: a session (the shared note) or a mentorship (the private note). */
    readonly id: string,
    readonly doc: Y.Doc,
    readonly awareness: Awareness,
    private readonly channel: NoteChannel = NoteChannels.session,
  ) {
    this.socket = socket as unknown as ChannelSocket;
    socket.on('connect', this.onConnect);
    socket.on('disconnect', this.onDisconnect);
    this.socket.on(channel.update, this.onRemoteUpdate);
    this.socket.on(channel.awareness, this.onRemoteAwareness);
    doc.on('update', this.onLocalUpdate);
    awareness.on('update', this.onLocalAwareness);
    if (socket.connected) void this.resync();
  }

  /** The current status; see {@link subscribe}. */
  get current(): NoteSyncStatus {
    return this.status;
  }

  /** Calls the listener on every status change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** True once every local edit made so far is durably stored on the server. */
  get allSaved(): boolean {
    return this.synced && this.ackedSeq >= this.localSeq;
  }

  /** Counters for diagnosing a sync that does not settle. */
  debug(): { localSeq: number; ackedSeq: number; synced: boolean } {
    return { localSeq: this.localSeq, ackedSeq: this.ackedSeq, synced: this.synced };
  }

  /** A re-sync after the server failed to store or load (its database away a moment): tried again, backing off. */
  private retry: ReturnType<typeof setTimeout> | null = null;
  private retries = 0;

  private retryLater(): void {
    if (this.destroyed || this.retry) return;
    const delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.retries);
    this.retries += 1;
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.socket.connected) void this.resync();
    }, delay);
  }

  destroy(): void {
    if (this.destroyed) return;
    if (this.retry) clearTimeout(this.retry);
    // A keystroke made in this very task still goes out.
    this.flushPending();
    this.destroyed = true;
    this.socket.off('connect', this.onConnect);
    this.socket.off('disconnect', this.onDisconnect);
    this.socket.off(this.channel.update, this.onRemoteUpdate);
    this.socket.off(this.channel.awareness, this.onRemoteAwareness);
    this.doc.off('update', this.onLocalUpdate);
    this.awareness.off('update', this.onLocalAwareness);
    if (this.socket.connected) this.socket.emit(this.channel.leave, this.ref());
    this.listeners.clear();
  }

  /** The note's key as its channel names it: `{ sessionId }` or `{ mentorshipId }`. */
  private ref(): Record<string, string> {
    return { [this.channel.key]: this.id };
  }

  private setStatus(patch: Partial<NoteSyncStatus>): void {
    const next = { ...this.status, ...patch };
    if (next.save === this.status.save && next.readOnly === this.status.readOnly && next.message === this.status.message) return;
    this.status = next;
    for (const l of this.listeners) l();
  }

  private refreshSaveState(): void {
    if (!this.socket.connected) this.setStatus({ save: 'offline' });
    else if (!this.synced) this.setStatus({ save: 'connecting' });
    else if (this.status.save !== 'error' || this.allSaved) this.setStatus({ save: this.allSaved ? 'saved' : 'saving', message: null });
  }

  private readonly onConnect = () => void this.resync();

  private readonly onDisconnect = () => {
    this.synced = false;
    // Others' carets go stale while we are away; they come back with the next sync.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.doc.clientID);
    if (others.length > 0) removeAwarenessStates(this.awareness, others, REMOTE);
    this.refreshSaveState();
  };

  /** Sync step 1 and 2 in both directions: what the server lacks is sent as one update. */
  async resync(): Promise<void> {
    if (this.destroyed) return;
    this.synced = false;
    this.refreshSaveState();
    let raw: unknown;
    try {
      raw = await this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck(this.channel.join, { ...this.ref(), stateVector: Y.encodeStateVector(this.doc) });
    } catch {
      return this.refreshSaveState(); // disconnected or timed out: the next connect resyncs
    }
    if (this.destroyed) return;
    const ack = ClientEvent.notesJoin.ack.safeParse(raw);
    if (!ack.success) return this.setStatus({ save: 'error', message: i18n.t('notes.notUnderstood') });
    if (!ack.data.ok) {
      if (ack.data.error.code === ErrorCode.Internal) this.retryLater();
      return this.setStatus({ save: 'error', message: errorText(ack.data.error) });
    }
    this.retries = 0;
    const { update, stateVector, awareness, readOnly } = ack.data.data;
    Y.applyUpdate(this.doc, update, REMOTE);
    applyAwarenessUpdate(this.awareness, awareness, REMOTE);
    this.synced = true;
    this.setStatus({ readOnly });
    if (this.awareness.getLocalState()) this.sendAwareness([this.doc.clientID]);
    // What the server lacks: edits made offline, or sent before a lost connection and never acknowledged.
    const missing = Y.encodeStateAsUpdate(this.doc, stateVector);
    const decoded = Y.decodeUpdate(missing);
    if (!readOnly && (decoded.structs.length > 0 || decoded.ds.clients.size > 0)) this.send(missing, this.localSeq);
    // The server answered the join only once everything it had applied was durable.
    else this.ackedSeq = Math.max(this.ackedSeq, this.localSeq);
    this.refreshSaveState();
  }

  private readonly onLocalUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === REMOTE) return;
    this.localSeq += 1;
    if (this.synced && this.socket.connected && !this.status.readOnly) this.queue(update, this.localSeq);
    this.refreshSaveState();
  };

  /** A local update waiting for the end of the current task, to take the caret move made with it. */
  private pending: { update: Uint8Array; seq: number; caret: number[] | null } | null = null;

  /**
   * An update goes out at the end of the task that made it, with the caret move of the same
   * keystroke in the same message: one message per keystroke, not two.
   */
  private queue(update: Uint8Array, seq: number): void {
    this.flushPending();
    this.pending = { update, seq, caret: null };
    queueMicrotask(this.flushPending);
  }

  private readonly flushPending = (): void => {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    if (this.destroyed || !this.socket.connected) {
      this.refreshSaveState(); // the next sync sends it
      return;
    }
    this.send(p.update, p.seq, p.caret ? encodeAwarenessUpdate(this.awareness, p.caret) : undefined);
  };

  private send(update: Uint8Array, seq: number, caret?: Uint8Array): void {
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck(this.channel.update, caret ? { ...this.ref(), update, awareness: caret } : { ...this.ref(), update })
      .then(
        (raw: unknown) => {
          const ack = ClientEvent.notesUpdate.ack.safeParse(raw);
          if (!ack.success) return this.setStatus({ save: 'error', message: i18n.t('errors.unexpectedAnswer') });
          const result = ack.data;
          if (!result.ok) {
            if (result.error.code === ErrorCode.OutOfSync) return void this.resync();
            // Not stored (the server's database failed): the next sync sends it again.
            if (result.error.code === ErrorCode.Internal) this.retryLater();
            return this.setStatus({ save: 'error', message: errorText(result.error) });
          }
          this.ackedSeq = Math.max(this.ackedSeq, seq);
          this.refreshSaveState();
        },
        // Timed out or disconnected: unsaved until the next sync sends it again.
        () => this.refreshSaveState(),
      );
  }

  private readonly onRemoteUpdate = (raw: unknown) => {
    const parsed = parseNoteEnvelope(raw, RealtimeLimits.noteUpdateBytes, this.channel.key, true);
    if (!parsed || parsed.id !== this.id) return;
    try {
      Y.applyUpdate(this.doc, parsed.update, REMOTE);
    } catch {
      void this.resync();
      return;
    }
    if (parsed.awareness) this.applyRemoteCaret(parsed.awareness);
  };

  private readonly onRemoteAwareness = (raw: unknown) => {
    const parsed = parseNoteEnvelope(raw, RealtimeLimits.awarenessBytes, this.channel.key);
    if (parsed && parsed.id === this.id) this.applyRemoteCaret(parsed.update);
  };

  private applyRemoteCaret(update: Uint8Array): void {
    try {
      applyAwarenessUpdate(this.awareness, update, REMOTE);
    } catch {
      // A bad caret update is not worth a resync.
    }
  }

  private readonly onLocalAwareness = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ) => {
    if (origin === REMOTE) return;
    const changed = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
    if (changed.length === 0) return;
    // The caret of a keystroke whose update has not gone out yet travels with it.
    if (this.pending) this.pending.caret = [...new Set([...(this.pending.caret ?? []), ...changed])];
    else this.sendAwareness(changed);
  };

  private sendAwareness(ids: number[]): void {
    if (!this.synced || !this.socket.connected) return;
    this.socket.emit(this.channel.awareness, { ...this.ref(), update: encodeAwarenessUpdate(this.awareness, ids) });
  }
}

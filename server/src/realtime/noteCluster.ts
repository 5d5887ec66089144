import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { ClusterLink } from '../cluster/redis.js';
import { within } from '../lib/time.js';
import type { LiveNote, NoteHub, NotePeers } from '../notes/noteHub.js';
import type { NoteKind } from '../notes/noteSql.js';
import type { TandemServer } from './io.js';
import type { NoteRelaySpec } from './notes.js';

/** What nodes holding the same note tell each other (one Redis pub/sub channel per note). */
const Kind = {
  /** A checked client update (and the caret moved with it), already applied and being made durable by its node. */
  update: 1,
  /** A caret (awareness) change. */
  awareness: 2,
  /** "Send me what I lack": a state vector, answered by every holder with `state`. */
  sync: 3,
  /** The answer to `sync`: the difference, and the carets of the answering node's people. */
  state: 4,
  /** The session is ending: stop taking edits, make what you took durable, then say `frozen`. */
  freeze: 5,
  /** Sent to the node that asked to freeze, once this node's writes are durable. */
  frozen: 6,
  /** The end settled: `ended` 1 keeps the note frozen, 0 opens it again. */
  settle: 7,
  /** A write failed on the sending node: drop this copy, its people re-sync from what is stored. */
  discard: 8,
  /** The sending node no longer holds the note (its last person left). */
  leave: 9,
} as const;

/** Awareness entries owned by people on other nodes: no local connection may speak for them. */
export const REMOTE_OWNER = 'remote';
const REMOTE_ORIGIN = Symbol('remote node');
/** How long an end waits for the other holders of its note to freeze (a dead node never answers). */
const FREEZE_WAIT_MS = 3_000;
/**
 * How often a node asks Redis whether its shared notes still have another holder: a node that
 * died never said `leave`, but its subscriptions ended with its connection.
 */
export const HOLDERS_CHECK_MS = 2_000;

interface Bound {
  io: TandemServer;
  spec: NoteRelaySpec;
  hub: NoteHub;
}

/**
 * Cluster mode for one kind of note: every node with members in a note keeps its Y.Doc live.
 * A client's update is checked, applied and made durable by the node it arrived at (seq from
 * PostgreSQL's sequence, see NoteStore), relayed to that node's own sockets, and — when another
 * node holds the note — published ONCE on the note's channel; the other holders apply it (no
 * check again, no write) and relay it to theirs. A node opening a note subscribes first, reads
 * the database, then asks the holders for what it lacks (`sync`); after a Redis outage every
 * node asks again for every note it holds.
 */
export class NoteCluster implements NotePeers {
  /**
   * The notes live here, each with `others`: the other nodes heard from on its channel (every
   * message names its node). Edits and carets are published only while there is one: a pair
   * routed to one node (cluster/route.ts) costs Redis nothing. No edit is missed: a node opening a
   * note asks the holders (`sync`), whose answer carries all they applied before the question;
   * each side, hearing the other for the first time, asks in turn, so the edits the newcomer
   * applied before it knew of them come too; after that, both publish. A node that died without
   * saying `leave` is forgotten once Redis counts no other subscriber on the note's channel
   * (checked every {@link HOLDERS_CHECK_MS}).
   */
  private readonly live = new Map<string, { note: LiveNote; others: Set<string> }>();
  private bound: Bound | null = null;
  private readonly replyChannel: string;
  private readonly waiting = new Map<string, { left: number; done: () => void }>();
  private holdersCheck: NodeJS.Timeout | undefined;

  constructor(
    private readonly link: ClusterLink,
    private readonly kind: NoteKind,
  ) {
    this.replyChannel = `tandem:reply:${kind}:${link.nodeId.toString('hex')}`;
    link.onUp(() => {
      for (const { note } of this.live.values()) this.send(note.id, Kind.sync, [Y.encodeStateVector(note.doc)]);
    });
  }

  /** Starts listening for answers addressed to this node, and checking who still holds its shared notes. */
  async start(): Promise<void> {
    this.holdersCheck ??= setInterval(() => void this.forgetGoneHolders(), HOLDERS_CHECK_MS);
    this.holdersCheck.unref();
    await this.link.subscribe(this.replyChannel, (message) => {
      const { kind, parts } = decode(message);
      if (kind !== Kind.frozen) return;
      const id = new TextDecoder().decode(parts[0]);
      const w = this.waiting.get(id);
      if (w && --w.left <= 0) w.done();
    });
  }

  stop(): void {
    clearInterval(this.holdersCheck);
  }

  /**
   * One question to Redis for every note this node shares: a channel with no subscriber but this
   * node has no other holder left (whatever this node last heard), so its edits stop going out.
   * A holder that comes back (or a new one) makes itself known again with its `sync`.
   */
  private async forgetGoneHolders(): Promise<void> {
    // Only the holders known when asking (one heard while the answer travels subscribed after it
    // was counted), and only while the note is still the same live copy.
    const shared = [...this.live].filter(([, held]) => held.others.size > 0).map(([id, held]) => ({ id, held, known: [...held.others] }));
    if (shared.length === 0 || !this.link.available) return;
    const counts = await this.subscribers(shared.map(({ id }) => id));
    if (!counts) return;
    shared.forEach(({ id, held, known }, i) => {
      if (this.live.get(id) === held && (counts[i] ?? 0) <= 1) for (const node of known) held.others.delete(node);
    });
  }

  /** How many nodes are subscribed to each note's channel (this one included), or null when Redis does not answer. */
  private async subscribers(ids: string[]): Promise<number[] | null> {
    const reply = (await this.link.commands.pubsub('NUMSUB', ...ids.map((id) => this.channel(id))).catch(() => null)) as
      | (string | number)[]
      | null;
    // The reply pairs each channel with its count: [channel, count, channel, count, ...].
    return reply ? ids.map((_, i) => Number(reply[2 * i + 1])) : null;
  }

  /** The realtime side: where remote updates are relayed, and the hub that holds the docs. */
  bind(bound: Bound): void {
    this.bound ??= bound;
  }

  private channel(id: string): string {
    return `tandem:note:${this.kind}:${id}`;
  }

  private send(id: string, kind: number, parts: Uint8Array[], channel = this.channel(id)): void {
    this.link.publish(channel, encode(kind, this.link.nodeId, parts));
  }

  async opening(id: string): Promise<void> {
    await this.link.subscribe(this.channel(id), (message) => this.receive(id, message));
  }

  opened(note: LiveNote): void {
    this.live.set(note.id, { note, others: new Set() });
    this.send(note.id, Kind.sync, [Y.encodeStateVector(note.doc)]);
  }

  closed(id: string): void {
    const held = this.live.get(id);
    this.live.delete(id);
    if (held?.others.size) this.send(id, Kind.leave, []);
    void this.link.unsubscribe(this.channel(id));
  }

  /** True while another node is known to hold the note. */
  shared(id: string): boolean {
    return (this.live.get(id)?.others.size ?? 0) > 0;
  }

  published(id: string, update: Uint8Array, awareness?: Uint8Array): void {
    if (this.shared(id)) this.send(id, Kind.update, awareness ? [update, awareness] : [update]);
  }

  publishedCaret(id: string, update: Uint8Array): void {
    if (this.shared(id)) this.send(id, Kind.awareness, [update]);
  }

  async freezeOthers(id: string): Promise<void> {
    const [subscribers = 0] = (await this.subscribers([id])) ?? [];
    const others = subscribers - (this.live.has(id) ? 1 : 0);
    if (others <= 0) return;
    const allFrozen = new Promise<void>((done) => {
      this.waiting.set(id, { left: others, done });
      this.send(id, Kind.freeze, [this.link.nodeId]);
    });
    await within(allFrozen, FREEZE_WAIT_MS, undefined);
    this.waiting.delete(id);
  }

  settleOthers(id: string, ended: boolean): void {
    this.send(id, Kind.settle, [Uint8Array.of(ended ? 1 : 0)]);
  }

  discarded(id: string): void {
    this.send(id, Kind.discard, []);
  }

  private receive(id: string, message: Buffer): void {
    const bound = this.bound;
    const held = this.live.get(id);
    if (!bound || !held) return;
    const { note, others } = held;
    const { kind, origin, parts } = decode(message);
    if (kind === Kind.leave) {
      others.delete(origin);
      return;
    }
    const met = !others.has(origin);
    others.add(origin);
    this.handle(bound, note, kind, parts);
    // A node heard from for the first time may have applied edits while it did not know of this
    // one (so it did not publish them): ask it. Whatever it applies after this question reaches
    // it, it publishes — by then it knows this node.
    if (met) this.send(id, Kind.sync, [Y.encodeStateVector(note.doc)]);
  }

  private handle(bound: Bound, note: LiveNote, kind: number, parts: Uint8Array[]): void {
    const id = note.id;
    const room = { io: bound.io, room: bound.spec.room(id) };
    switch (kind) {
      case Kind.update:
      case Kind.state: {
        const [update, awareness] = parts;
        if (!update) return;
        const changed = applyRemote(note, update);
        const caret = awareness && awareness.byteLength > 0 && applyRemoteCaret(note, awareness) ? awareness : undefined;
        if (changed || caret) bound.spec.emitUpdate(room, id, update, caret);
        return;
      }
      case Kind.awareness: {
        const [update] = parts;
        if (update && applyRemoteCaret(note, update)) bound.spec.emitAwareness({ ...room, volatile: true }, id, update);
        return;
      }
      case Kind.sync: {
        const [vector] = parts;
        if (!vector) return;
        const mine = [...note.awarenessOwners].filter(([c, owner]) => owner !== REMOTE_OWNER && note.awareness.getStates().has(c));
        const carets =
          mine.length > 0
            ? encodeAwarenessUpdate(
                note.awareness,
                mine.map(([c]) => c),
              )
            : new Uint8Array(0);
        this.send(id, Kind.state, [Y.encodeStateAsUpdate(note.doc, vector), carets]);
        return;
      }
      case Kind.freeze: {
        const [requester] = parts;
        if (!requester) return;
        void bound.hub.freezeHere(id).then(() => {
          this.send(id, Kind.frozen, [new TextEncoder().encode(id)], `tandem:reply:${this.kind}:${Buffer.from(requester).toString('hex')}`);
        });
        return;
      }
      case Kind.settle:
        void bound.hub.settleHere(id, parts[0]?.[0] === 1);
        return;
      case Kind.discard:
        bound.hub.discard(id, true);
        return;
    }
  }
}

/** Applies another node's update; true when it changed the doc (a repeat changes nothing). */
function applyRemote(note: LiveNote, update: Uint8Array): boolean {
  let changed = false;
  const seen = () => {
    changed = true;
  };
  note.doc.on('update', seen);
  try {
    Y.applyUpdate(note.doc, update, REMOTE_ORIGIN);
  } catch {
    return false;
  } finally {
    note.doc.off('update', seen);
  }
  return changed;
}

/** Applies another node's caret change; its entries are marked as owned elsewhere. */
function applyRemoteCaret(note: LiveNote, update: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      ids.push(decoding.readVarUint(decoder));
      decoding.readVarUint(decoder);
      decoding.readVarString(decoder);
    }
    // A caret of someone on this node is never changed from elsewhere.
    if (ids.some((c) => (note.awarenessOwners.get(c) ?? REMOTE_OWNER) !== REMOTE_OWNER)) return false;
    applyAwarenessUpdate(note.awareness, update, REMOTE_ORIGIN);
    for (const c of ids) {
      if (note.awareness.getStates().has(c)) note.awarenessOwners.set(c, REMOTE_OWNER);
      else note.awarenessOwners.delete(c);
    }
    return ids.length > 0;
  } catch {
    return false;
  }
}

/** kind (1 byte), origin node (8 bytes), then each part length-prefixed. */
function encode(kind: number, nodeId: Uint8Array, parts: Uint8Array[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeUint8(encoder, kind);
  encoding.writeUint8Array(encoder, nodeId);
  for (const p of parts) encoding.writeVarUint8Array(encoder, p);
  return encoding.toUint8Array(encoder);
}

function decode(message: Uint8Array): { kind: number; origin: string; parts: Uint8Array[] } {
  const decoder = decoding.createDecoder(message);
  const kind = decoding.readUint8(decoder);
  const origin = Buffer.from(decoding.readUint8Array(decoder, 8)).toString('hex');
  const parts: Uint8Array[] = [];
  while (decoding.hasContent(decoder)) parts.push(decoding.readVarUint8Array(decoder));
  return { kind, origin, parts };
}

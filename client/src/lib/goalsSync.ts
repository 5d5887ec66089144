import {
  ClientEvent,
  type ClientToServerEvents,
  type Goal,
  type GoalCommand,
  type GoalEvent,
  type GoalsChanged,
  GoalsChangedSchema,
  type Result,
  ServerEvent,
  type ServerToClientEvents,
} from '@tandem/shared';
import type { Socket } from 'socket.io-client';
import { errorText, i18n } from '../i18n/index.js';
import type { SyncSource } from './syncSource.js';

export type GoalsSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What the goals panel shows: the server's goals with this person's unconfirmed commands applied on top. */
export interface GoalsView {
  status: 'loading' | 'ready' | 'error';
  readOnly: boolean;
  version: number;
  /** Not deleted, in order. */
  goals: Goal[];
  /** Deleted goals that can still be restored (undo). */
  deleted: Goal[];
  sessionEvents: GoalEvent[];
  previousSessionEvents: GoalEvent[];
  /** Why the last command was refused (it was rolled back), for people. */
  message: string | null;
}

/** Applies one command to a goals map the way the server will (optimistic update). Pure. */
export function applyCommand(
  goals: ReadonlyMap<string, Goal>,
  command: GoalCommand,
  ctx: { mentorshipId: string; sessionId: string; now: string },
): Map<string, Goal> {
  const next = new Map(goals);
  const goal = command.type === 'create' ? undefined : next.get(command.goalId);
  switch (command.type) {
    case 'create':
      next.set(command.goalId, {
        id: command.goalId,
        mentorshipId: ctx.mentorshipId,
        title: command.fields.title,
        detail: command.fields.detail ?? '',
        owner: command.fields.owner ?? 'student',
        status: command.fields.status ?? 'open',
        dueDate: command.fields.dueDate ?? null,
        projectId: command.fields.projectId ?? null,
        orderKey: command.orderKey,
        isFocus: false,
        deleted: false,
        createdInSessionId: ctx.sessionId,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      });
      break;
    case 'update':
      if (goal) next.set(goal.id, { ...goal, ...stripUndefined(command.patch), updatedAt: ctx.now });
      break;
    case 'move':
      if (goal) next.set(goal.id, { ...goal, orderKey: command.orderKey });
      break;
    case 'focus':
      for (const g of next.values()) if (g.isFocus) next.set(g.id, { ...g, isFocus: false });
      if (goal) next.set(goal.id, { ...goal, isFocus: true });
      break;
    case 'delete':
    case 'restore':
      if (goal) next.set(goal.id, { ...goal, deleted: command.type === 'delete', isFocus: false });
      break;
  }
  return next;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

const byOrder = (a: Goal, b: Goal) => (a.orderKey < b.orderKey ? -1 : a.orderKey > b.orderKey ? 1 : a.id < b.id ? -1 : 1);

/**
 * The client side of the goals panel. The server is the authority: its state
 * arrives with a version that only grows by one per command; a stale version is
 * ignored and a gap triggers a refetch. Own commands show at once (optimistic)
 * and are rolled back, with a message, when the server refuses them.
 */
export class GoalsSync implements SyncSource<GoalsView> {
  private server = new Map<string, Goal>();
  private version = 0;
  private mentorshipId = '';
  private pending: { id: number; command: GoalCommand }[] = [];
  private nextPendingId = 1;
  private view: GoalsView = {
    status: 'loading',
    readOnly: false,
    version: 0,
    goals: [],
    deleted: [],
    sessionEvents: [],
    previousSessionEvents: [],
    message: null,
  };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly socket: GoalsSocket,
    readonly sessionId: string,
  ) {
    socket.on('connect', this.onConnect);
    socket.on(ServerEvent.goalsChanged.name, this.onChanged);
    if (socket.connected) void this.refetch();
  }

  get current(): GoalsView {
    return this.view;
  }

  /** Calls the listener on every change of the view; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    this.socket.off('connect', this.onConnect);
    this.socket.off(ServerEvent.goalsChanged.name, this.onChanged);
    this.listeners.clear();
  }

  /** (Re)loads the whole state: on connect and after a version gap. */
  async refetch(): Promise<void> {
    let raw: unknown;
    try {
      raw = await this.socket.timeout(10_000).emitWithAck(ClientEvent.goalsSubscribe.name, { sessionId: this.sessionId });
    } catch {
      return; // disconnected: the next connect refetches
    }
    const ack = ClientEvent.goalsSubscribe.ack.safeParse(raw);
    if (!ack.success || !ack.data.ok) {
      this.update({
        status: 'error',
        message: ack.success && !ack.data.ok ? errorText(ack.data.error) : i18n.t('errors.unexpectedAnswer'),
      });
      return;
    }
    const data = ack.data.data;
    if (data.version < this.version && data.mentorshipId === this.mentorshipId) return;
    this.mentorshipId = data.mentorshipId;
    this.version = data.version;
    this.server = new Map(data.goals.map((g) => [g.id, g]));
    this.update({
      status: 'ready',
      readOnly: data.readOnly,
      sessionEvents: data.sessionEvents,
      previousSessionEvents: data.previousSessionEvents,
    });
  }

  /** Sends a command: shown at once, confirmed or rolled back by the server's answer. */
  async run(command: GoalCommand): Promise<Result<GoalsChanged>> {
    const entry = { id: this.nextPendingId++, command };
    this.pending.push(entry);
    this.update({ message: null });
    let result: Result<GoalsChanged>;
    try {
      const raw = await this.socket.timeout(10_000).emitWithAck(ClientEvent.goalsCommand.name, { sessionId: this.sessionId, command });
      const ack = ClientEvent.goalsCommand.ack.safeParse(raw);
      result = ack.success ? ack.data : { ok: false, error: { code: 'INTERNAL', message: i18n.t('errors.unexpectedAnswer') } };
    } catch {
      result = { ok: false, error: { code: 'INTERNAL', message: i18n.t('errors.notConnectedChange') } };
    }
    this.pending = this.pending.filter((p) => p.id !== entry.id);
    if (result.ok) this.apply(result.data);
    this.update({
      message: result.ok
        ? null
        : i18n.t('errors.changeNotSaved', { reason: result.error.code === 'INTERNAL' ? result.error.message : errorText(result.error) }),
    });
    return result;
  }

  private readonly onConnect = () => void this.refetch();

  private readonly onChanged = (raw: unknown) => {
    const parsed = GoalsChangedSchema.safeParse(raw);
    if (parsed.success) this.apply(parsed.data);
  };

  private apply(changed: GoalsChanged): void {
    if (changed.mentorshipId !== this.mentorshipId || changed.version <= this.version) return; // stale or duplicate
    if (changed.version > this.version + 1) {
      void this.refetch(); // missed one: the whole state is cheaper than guessing
      return;
    }
    this.version = changed.version;
    for (const g of changed.goals) this.server.set(g.id, g);
    const sessionEvents =
      changed.event.sessionId === this.sessionId ? [...this.view.sessionEvents, changed.event] : this.view.sessionEvents;
    this.update({ sessionEvents });
  }

  private update(patch: Partial<GoalsView>): void {
    let goals: Map<string, Goal> = this.server;
    const now = new Date().toISOString();
    for (const p of this.pending)
      goals = applyCommand(goals, p.command, { mentorshipId: this.mentorshipId, sessionId: this.sessionId, now });
    const all = [...goals.values()].sort(byOrder);
    this.view = {
      ...this.view,
      ...patch,
      version: this.version,
      goals: all.filter((g) => !g.deleted),
      deleted: all.filter((g) => g.deleted),
    };
    for (const l of this.listeners) l();
  }
}

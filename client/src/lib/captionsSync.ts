import {
  CaptionsSegmentSchema,
  type CaptionsState,
  CaptionsStateSchema,
  ClientEvent,
  type ClientToServerEvents,
  ServerEvent,
  type ServerToClientEvents,
  type TranscriptSegment,
} from '@tandem/shared';
import type { Socket } from 'socket.io-client';
import { errorText, i18n } from '../i18n/index.js';
import type { SyncSource } from './syncSource.js';

export interface CaptionsView {
  status: 'loading' | 'ready' | 'error';
  state: CaptionsState | null;
  /** Stored segments (speech and chat), in timeline order. */
  segments: TranscriptSegment[];
  /** The latest caption per speaker (partial or final), for the overlay. */
  live: { segment: TranscriptSegment; at: number }[];
  message: string | null;
}

/** The client side of captions, consent and chat for one session. */
export class CaptionsSync implements SyncSource<CaptionsView> {
  private view: CaptionsView = { status: 'loading', state: null, segments: [], live: [], message: null };
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>,
    readonly sessionId: string,
  ) {
    socket.on('connect', this.open);
    socket.on(ServerEvent.captionsState.name, this.onState);
    socket.on(ServerEvent.captionsSegment.name, this.onSegment);
    if (socket.connected) this.open();
  }

  get current(): CaptionsView {
    return this.view;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  destroy(): void {
    this.socket.off('connect', this.open);
    this.socket.off(ServerEvent.captionsState.name, this.onState);
    this.socket.off(ServerEvent.captionsSegment.name, this.onSegment);
    this.listeners.clear();
  }

  private set(patch: Partial<CaptionsView>): void {
    this.view = { ...this.view, ...patch };
    for (const l of this.listeners) l();
  }

  private readonly open = () => {
    void this.socket
      .timeout(10_000)
      .emitWithAck(ClientEvent.captionsOpen.name, { sessionId: this.sessionId })
      .then((raw: unknown) => {
        const ack = ClientEvent.captionsOpen.ack.safeParse(raw);
        if (!ack.success || !ack.data.ok)
          return this.set({
            status: 'error',
            message: ack.success && !ack.data.ok ? errorText(ack.data.error) : i18n.t('errors.unexpectedAnswer'),
          });
        const { segments, ...state } = ack.data.data;
        this.set({ status: 'ready', state, segments });
      })
      .catch(() => undefined);
  };

  private readonly onState = (raw: unknown) => {
    const parsed = CaptionsStateSchema.safeParse(raw);
    if (parsed.success && parsed.data.sessionId === this.sessionId) this.set({ state: parsed.data });
  };

  private readonly onSegment = (raw: unknown) => {
    const parsed = CaptionsSegmentSchema.safeParse(raw);
    if (!parsed.success || parsed.data.sessionId !== this.sessionId) return;
    const { segment, final } = parsed.data;
    const segments =
      final && !this.view.segments.some((s) => s.id === segment.id)
        ? [...this.view.segments, segment].sort((a, b) => a.startMs - b.startMs)
        : this.view.segments;
    const live =
      segment.kind === 'speech'
        ? [...this.view.live.filter((l) => l.segment.speakerId !== segment.speakerId), { segment, at: Date.now() }]
        : this.view.live;
    this.set({ segments, live });
  };

  /** Gives or withdraws this person's consent, for this session or for all of the mentorship's sessions. */
  async consent(consent: boolean, scope: 'session' | 'mentorship' = 'session'): Promise<void> {
    const raw = await this.socket
      .timeout(10_000)
      .emitWithAck(ClientEvent.captionsConsent.name, { sessionId: this.sessionId, consent, scope })
      .catch(() => null);
    const ack = ClientEvent.captionsConsent.ack.safeParse(raw);
    if (ack.success && ack.data.ok) this.set({ state: ack.data.data, message: null });
    else this.set({ message: ack.success && !ack.data.ok ? errorText(ack.data.error) : i18n.t('errors.notConnected') });
  }

  /** Sends a chat message; resolves with an error message or null. */
  async chat(text: string): Promise<string | null> {
    const raw = await this.socket
      .timeout(10_000)
      .emitWithAck(ClientEvent.chatSend.name, { sessionId: this.sessionId, text })
      .catch(() => null);
    const ack = ClientEvent.chatSend.ack.safeParse(raw);
    if (ack.success && ack.data.ok) {
      const segment = ack.data.data;
      if (!this.view.segments.some((s) => s.id === segment.id)) this.set({ segments: [...this.view.segments, segment] });
      return null;
    }
    return ack.success && !ack.data.ok ? errorText(ack.data.error) : i18n.t('errors.notConnectedMessage');
  }
}

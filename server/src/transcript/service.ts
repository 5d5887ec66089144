import { randomUUID } from 'node:crypto';
import { type CaptionsState, closedSessionStatuses, type TranscriptSegment } from '@tandem/shared';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Leases } from '../cluster/leases.js';
import { getMentorship } from '../db/mentorships.js';
import { nowIso } from '../lib/time.js';
import type { SpeechEngine } from './engine.js';
import { Transcriber } from './transcriber.js';

const toSegment = (r: {
  id: string;
  speaker_id: string;
  speaker_name: string;
  kind: 'speech' | 'chat';
  start_ms: number;
  end_ms: number;
  text: string;
}): TranscriptSegment => ({
  id: r.id,
  speakerId: r.speaker_id,
  speakerName: r.speaker_name,
  kind: r.kind,
  startMs: r.start_ms,
  endMs: r.end_ms,
  text: r.text,
});

/**
 * Consent, the transcriber's lifecycle and the transcript's storage for every
 * session. The transcriber runs only while both people agree and the session
 * is open; final segments are stored as they come, partial ones only broadcast.
 */
export class TranscriptionService {
  private readonly running = new Map<string, Promise<Transcriber | null>>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly engine: SpeechEngine | null,
    /** One transcriber per session across nodes: whoever holds `transcriber:<session>` runs it. */
    private readonly leases: Leases,
    options: { cluster: boolean } = { cluster: false },
  ) {
    // The leases of the transcribers running here are renewed; one lost (this node was cut off
    // long enough for another to take it) stops ours, so two never write the same words.
    this.every(TRANSCRIBER_LEASE.renewMs, () => this.renew());
    // Cluster mode: a session whose transcriber should run but whose lease nobody holds (its
    // node died) is taken over by whichever node looks first.
    if (options.cluster) this.every(TRANSCRIBER_LEASE.takeOverEveryMs, () => this.takeOver());
  }

  private every(ms: number, job: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      job()
        .catch((err: unknown) => this.app.log.warn({ err }, 'transcriber lease job failed'))
        .finally(() => {
          busy = false;
        });
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private async renew(): Promise<void> {
    const running = [...this.running.keys()];
    if (running.length === 0) return;
    // A session that ended (on another node, whose request to stop did not arrive) stops here too.
    const closed = await this.app.db
      .selectFrom('sessions')
      .select('id')
      .where('id', 'in', running)
      .where('status', 'in', [...closedSessionStatuses])
      .execute();
    for (const { id } of closed) await this.stopHere(id);
    for (const sessionId of running) {
      if (!this.running.has(sessionId) || (await this.leases.acquire(leaseName(sessionId), TRANSCRIBER_LEASE.ttlMs))) continue;
      this.app.log.warn({ sessionId }, 'transcriber lease lost to another node: stopping here');
      await this.stopHere(sessionId, false);
    }
  }

  private async takeOver(): Promise<void> {
    for (const sessionId of await wantedWithoutTranscriber(this.app.db)) await this.resume(sessionId);
  }

  /** The session's timeline starts when the call started (or was scheduled). */
  private async timeline(sessionId: string) {
    const s = await this.app.db
      .selectFrom('sessions')
      .select(['started_at', 'scheduled_at', 'room_name', 'mentorship_id', 'status'])
      .where('id', '=', sessionId)
      .executeTakeFirstOrThrow();
    const start = Date.parse(s.started_at ?? s.scheduled_at);
    return { ...s, start: Math.min(start, Date.now()) };
  }

  async state(sessionId: string): Promise<CaptionsState> {
    const pair = await this.app.db
      .selectFrom('sessions as s')
      .innerJoin('mentorships as m', 'm.id', 's.mentorship_id')
      .select(['m.id', 'm.mentor_id', 'm.student_id'])
      .select([agreed('m.mentor_id').as('mentor_consent'), agreed('m.student_id').as('student_consent')])
      .where('s.id', '=', sessionId)
      .executeTakeFirstOrThrow();
    const remembered = await this.app.db
      .selectFrom('transcription_consent_mentorship')
      .select(['user_id', 'consented'])
      .where('mentorship_id', '=', pair.id)
      .execute();
    const remembers = (id: string) => remembered.some((r) => r.user_id === id && r.consented === 1);
    return {
      sessionId,
      mentorConsent: Number(pair.mentor_consent) === 1,
      studentConsent: Number(pair.student_consent) === 1,
      mentorRemembers: remembers(pair.mentor_id),
      studentRemembers: remembers(pair.student_id),
      running: this.running.has(sessionId) || (await this.leases.holderOf(leaseName(sessionId))) !== null,
    };
  }

  async segments(sessionId: string): Promise<TranscriptSegment[]> {
    const rows = await this.app.db
      .selectFrom('transcript_segments')
      .selectAll()
      .where('session_id', '=', sessionId)
      .orderBy('start_ms')
      .orderBy('created_at')
      .execute();
    return rows.map(toSegment);
  }

  /** Records one person's consent (for this session, or for every session of the mentorship) and starts or stops the transcriber. */
  async setConsent(
    sessionId: string,
    userId: string,
    consent: boolean,
    scope: 'session' | 'mentorship' = 'session',
  ): Promise<CaptionsState> {
    const now = nowIso();
    if (scope === 'mentorship' || !consent) {
      // Withdrawing is never only for today if it was given for all sessions.
      const { mentorship_id } = await this.timeline(sessionId);
      const remembered = await this.app.db
        .selectFrom('transcription_consent_mentorship')
        .select('consented')
        .where('mentorship_id', '=', mentorship_id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (scope === 'mentorship' || remembered?.consented === 1) {
        await this.app.db
          .insertInto('transcription_consent_mentorship')
          .values({ mentorship_id, user_id: userId, consented: consent ? 1 : 0, updated_at: now })
          .onConflict((oc) => oc.columns(['mentorship_id', 'user_id']).doUpdateSet({ consented: consent ? 1 : 0, updated_at: now }))
          .execute();
      }
    }
    await this.app.db
      .insertInto('transcription_consent')
      .values({ session_id: sessionId, user_id: userId, consented: consent ? 1 : 0, updated_at: now })
      .onConflict((oc) => oc.columns(['session_id', 'user_id']).doUpdateSet({ consented: consent ? 1 : 0, updated_at: now }))
      .execute();
    const state = await this.state(sessionId);
    if (state.mentorConsent && state.studentConsent) await this.start(sessionId);
    else await this.stop(sessionId);
    return this.broadcastState(sessionId);
  }

  /** Starts transcribing when both agreed already (for all sessions), as the panel opens. */
  async resume(sessionId: string): Promise<void> {
    const state = await this.state(sessionId);
    if (state.mentorConsent && state.studentConsent && !state.running) {
      await this.start(sessionId);
      await this.broadcastState(sessionId);
    }
  }

  private async broadcastState(sessionId: string): Promise<CaptionsState> {
    const state = await this.state(sessionId);
    this.app.realtime.captionsChanged(state);
    return state;
  }

  private async start(sessionId: string): Promise<void> {
    if (this.running.has(sessionId) || !this.engine) return;
    const engine = this.engine;
    const launch = (async () => {
      // Another node runs it already: nothing to do here.
      if (!(await this.leases.acquire(leaseName(sessionId), TRANSCRIBER_LEASE.ttlMs))) {
        this.running.delete(sessionId);
        return null;
      }
      const t = await this.timeline(sessionId);
      const m = await getMentorship(this.app.db, t.mentorship_id);
      if (!m) return null;
      const transcriber = new Transcriber({
        livekit: { url: this.app.livekit.config.url, apiKey: this.app.livekit.config.apiKey, apiSecret: this.app.livekit.config.apiSecret },
        engine,
        sessionId,
        roomName: t.room_name,
        sessionStart: t.start,
        speakers: new Map([
          [m.mentor.id, m.mentor.displayName],
          [m.student.id, m.student.displayName],
        ]),
        onSegment: (s) =>
          void this.record(
            sessionId,
            { speakerId: s.speakerId, speakerName: s.speakerName, kind: 'speech', startMs: s.startMs, endMs: s.endMs, text: s.text },
            s.final,
          ),
        log: this.app.log,
      });
      await transcriber.start();
      return transcriber;
    })().catch((err: unknown) => {
      this.app.log.error({ err, sessionId }, 'transcriber could not start');
      this.running.delete(sessionId);
      void this.leases.release(leaseName(sessionId)).catch(() => undefined);
      void this.broadcastState(sessionId);
      return null;
    });
    this.running.set(sessionId, launch);
    await launch;
  }

  /**
   * Stops transcribing a session, flushing the last words into the transcript, wherever its
   * transcriber runs: here, or (cluster mode) on the node holding its lease, which is asked to.
   */
  async stop(sessionId: string): Promise<void> {
    await this.stopHere(sessionId, true);
    await this.app.realtime.stopTranscriberElsewhere(sessionId);
  }

  /** Stops this node's transcriber of a session (if it runs one); gives the lease back unless it was lost. */
  async stopHere(sessionId: string, release = true): Promise<void> {
    const running = this.running.get(sessionId);
    if (!running) return;
    this.running.delete(sessionId);
    const transcriber = await running;
    await transcriber?.stop();
    if (release && transcriber) await this.leases.release(leaseName(sessionId)).catch(() => undefined);
  }

  /** Stores a final segment (durable before anyone sees it as final) and broadcasts it. */
  async record(sessionId: string, segment: Omit<TranscriptSegment, 'id'>, final: boolean): Promise<TranscriptSegment> {
    const full: TranscriptSegment = { id: randomUUID(), ...segment };
    if (final) {
      await this.app.db
        .insertInto('transcript_segments')
        .values({
          id: full.id,
          session_id: sessionId,
          speaker_id: full.speakerId,
          speaker_name: full.speakerName,
          kind: full.kind,
          start_ms: full.startMs,
          end_ms: full.endMs,
          text: full.text,
          created_at: nowIso(),
        })
        .execute();
    }
    this.app.realtime.captionAdded(sessionId, full, final);
    return full;
  }

  /** Milliseconds since the session's timeline started (for chat messages). */
  async now(sessionId: string): Promise<number> {
    return Math.max(0, Date.now() - (await this.timeline(sessionId)).start);
  }

  /** This node stops (shutting down): its transcribers stop and give their leases back for another node to take. */
  async stopAll(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    await Promise.all([...this.running.keys()].map((id) => this.stopHere(id)));
  }
}

/** A transcriber's lease: renewed every 1.5 s, taken over at most ~5 s after its node stopped renewing (looked for every 2 s). */
export const TRANSCRIBER_LEASE = { ttlMs: 5_000, renewMs: 1_500, takeOverEveryMs: 2_000 } as const;

const leaseName = (sessionId: string) => `transcriber:${sessionId}`;

/**
 * Whether the pair's mentor or student agreed to captions in session `s` (of mentorship `m`):
 * this session's answer, else the one given for the whole mentorship, else no. The one place
 * this rule is written (the panel's state and the take-over query both read it).
 */
const agreed = (user: 'm.mentor_id' | 'm.student_id') => sql<number>`coalesce(
    (select c.consented from transcription_consent c where c.session_id = s.id and c.user_id = ${sql.ref(user)}),
    (select cm.consented from transcription_consent_mentorship cm where cm.mentorship_id = s.mentorship_id and cm.user_id = ${sql.ref(user)}),
    0)`;

/** Live sessions whose transcriber should run (both people agreed) and whose lease nobody holds: ONE query. */
async function wantedWithoutTranscriber(db: FastifyInstance['db']): Promise<string[]> {
  const now = new Date().toISOString();
  const rows = await db
    .selectFrom('sessions as s')
    .innerJoin('mentorships as m', 'm.id', 's.mentorship_id')
    .select('s.id')
    .where('s.status', '=', 'live')
    .where(agreed('m.mentor_id'), '=', 1)
    .where(agreed('m.student_id'), '=', 1)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('leases as l')
            .select('l.name')
            .where('l.name', '=', sql<string>`${leaseName('')} || s.id`)
            .where('l.expires_at', '>=', now),
        ),
      ),
    )
    .execute();
  return rows.map((r) => r.id);
}

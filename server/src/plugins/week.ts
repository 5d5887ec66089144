import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import * as Y from 'yjs';
import type { Config } from '../config.js';
import type { Database } from '../db/schema.js';
import { noteToJSON, noteToText } from '../notes/render.js';
import type { DigestTiming } from '../week/messages.js';
import { WeekWorker } from '../week/worker.js';

declare module 'fastify' {
  interface FastifyInstance {
    week: {
      /** One pass of the week's worker (tests call it with the time they want). */
      tick(now?: Date): Promise<{ calendars: number; jobs: number }>;
      /** Looks at the week's work soon (after a change that sends invitations). */
      kick(): void;
      digest: DigestTiming;
    };
  }
}

/** What is on a session's agenda so far: the lines its note has under the headings. */
async function agendaOf(app: FastifyInstance, sessionId: string, db: Kysely<Database>): Promise<string[]> {
  const state = await app.notes.current(sessionId, db);
  if (!state) return [];
  const doc = new Y.Doc();
  Y.applyUpdate(doc, state);
  const json = noteToJSON(doc);
  doc.destroy();
  return (json.content ?? [])
    .filter((n) => n.type !== 'heading')
    .flatMap((n) => noteToText({ type: 'doc', content: [n] }).split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, 12);
}

/** The week's worker: a pass every few seconds (and soon after a change), stopped before the database closes. */
export default fp<{ week: Config['week']; origin: string; mailFrom: string }>(
  async (app, opts) => {
    const worker = new WeekWorker(app.db, app.log, {
      origin: opts.origin,
      mailFrom: opts.mailFrom.replace(/^.*<([^>]+)>.*$/, '$1'),
      agendaOf: (id, db) => agendaOf(app, id, db),
      onMail: () => app.mail.kick(),
      batch: opts.week.batch,
    });
    let running: Promise<unknown> | null = null;
    const tick = (now?: Date) => {
      const pass = (running ?? Promise.resolve()).then(() => worker.tick(now));
      running = pass.catch(() => undefined);
      return pass;
    };
    const kick = () => {
      if (opts.week.tickSeconds === 0) return;
      tick().catch((err: unknown) => app.log.error({ err }, 'week worker pass failed'));
    };
    app.decorate('week', {
      tick,
      kick,
      digest: { delayMs: opts.week.digestDelayMinutes * 60_000, everyMs: opts.week.digestEveryHours * 3600_000 },
    });
    if (opts.week.tickSeconds > 0) {
      const timer = setInterval(kick, opts.week.tickSeconds * 1000);
      timer.unref();
      app.addHook('onReady', async () => kick());
      app.addHook('onClose', async () => {
        clearInterval(timer);
        await running;
      });
    }
  },
  { name: 'week', dependencies: ['db', 'mail'] },
);

import {
  ApiRoute,
  ErrorCode,
  type GoalsState,
  type HistoryResponse,
  type MentorshipResponseSchema,
  NoteTemplateBodySchema,
  SearchQuerySchema,
  type SearchResponse,
} from '@tandem/shared';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { requireMentorshipAccess } from '../../access.js';
import { loadGoals } from '../../db/goals.js';
import { setNoteTemplate } from '../../db/mentorships.js';
import { loadHistory, loadRecord, searchMentorship } from '../../db/records.js';
import { AppError, forbidden } from '../../lib/errors.js';
import { mdText } from '../../lib/markdown.js';
import { mentorshipIcs, recordToMarkdown } from '../../sessions/exports.js';

const mentorshipRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);

  const visibleMentorship = async (request: FastifyRequest) => (await requireMentorshipAccess(app, request)).mentorship;

  // Goals outside calls (the dashboard): read-only here, changed through the panel's commands.
  app.get(ApiRoute.goals, async (request): Promise<GoalsState> => {
    const mentorship = await visibleMentorship(request);
    const state = await loadGoals(app.db, mentorship.id);
    return { ...state, goals: state.goals.filter((g) => !g.deleted) };
  });

  app.get(ApiRoute.history, async (request): Promise<HistoryResponse> => loadHistory(app.db, await visibleMentorship(request)));

  app.get(ApiRoute.search, async (request): Promise<SearchResponse> => {
    const mentorship = await visibleMentorship(request);
    const { q } = SearchQuerySchema.parse(request.query);
    return { query: q, results: await searchMentorship(app.db, mentorship.id, q) };
  });

  app.get(ApiRoute.mentorshipExport, async (request, reply) => {
    const mentorship = await visibleMentorship(request);
    const history = await loadHistory(app.db, mentorship);
    const records = [];
    for (const entry of [...history.sessions].reverse()) {
      const r = await loadRecord(app.db, entry.session.id, mentorship);
      if (r) records.push(recordToMarkdown(r));
    }
    const body = [`# ${mdText(mentorship.title)}`, '', `${records.length} saved session(s), oldest first.`, '', ...records].join('\n');
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', 'attachment; filename="tandem-mentorship.md"')
      .send(body);
  });

  app.get(ApiRoute.calendar, async (request, reply) => {
    const mentorship = await visibleMentorship(request);
    // What is coming and the last months: a feed, not an archive.
    const sessions = await app.db
      .selectFrom('sessions')
      .select(['id', 'week', 'scheduled_at', 'duration_minutes', 'status', 'sequence'])
      .where('mentorship_id', '=', mentorship.id)
      .where('scheduled_at', '>', new Date(Date.now() - 90 * 86_400_000).toISOString())
      .orderBy('scheduled_at')
      .limit(200)
      .execute();
    return reply
      .type('text/calendar; charset=utf-8')
      .header('content-disposition', 'attachment; filename="tandem-sessions.ics"')
      .send(mentorshipIcs(mentorship, sessions, app.publicOrigin));
  });

  // The mentor shapes the agenda each new session's note opens with.
  app.put(ApiRoute.noteTemplate, async (request): Promise<z.input<typeof MentorshipResponseSchema>> => {
    const { mentorship, mentor, relation } = await requireMentorshipAccess(app, request);
    if (!mentor && relation !== 'admin') throw forbidden('Only the mentor can change the note template.');
    if (mentorship.status === 'ended') throw new AppError(409, ErrorCode.SessionClosed, 'This mentorship has ended: it is read-only.');
    const { sections } = NoteTemplateBodySchema.parse(request.body);
    await setNoteTemplate(app.db, mentorship.id, sections);
    return { mentorship: { ...mentorship, noteTemplate: sections } };
  });
};

export default mentorshipRoutes;

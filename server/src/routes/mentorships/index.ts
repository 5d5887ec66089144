import {
  ApiRoute,
  ErrorCode,
  type GoalsState,
  type HistoryResponse,
  type MentorshipResponseSchema,
  NoteTemplateBodySchema,
  type PrivateNoteResponse,
  SearchQuerySchema,
  type SearchResponse,
} from '@tandem/shared';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import * as Y from 'yjs';
import type { z } from 'zod';
import { type Access, privateNoteAccess, requireMentorshipAccess } from '../../access.js';
import { loadGoals } from '../../db/goals.js';
import { setNoteTemplate } from '../../db/mentorships.js';
import { loadHistory, loadRecord, searchMentorship } from '../../db/records.js';
import { AppError, forbidden, notFound } from '../../lib/errors.js';
import { limitRoutes } from '../../lib/limits.js';
import { mdText } from '../../lib/markdown.js';
import { noteToHtml, noteToJSON, noteToMarkdown, noteToText } from '../../notes/render.js';
import { mentorshipIcs, recordToMarkdown } from '../../sessions/exports.js';

const mentorshipRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);
  await limitRoutes(app, 'mentorships', 240);

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

  // The private note is read through its own rule (privateNoteAccess): its mentor, and staff only if the programme allows.
  const privateNoteOf = async (access: Access) => {
    const rights = privateNoteAccess(access, app.privateNotesVisibleToAdmins);
    if (!rights) return null;
    const state = await app.privateNotes.current(access.mentorship.id);
    const doc = new Y.Doc();
    if (state) Y.applyUpdate(doc, state);
    const json = noteToJSON(doc);
    doc.destroy();
    const row = await app.db
      .selectFrom('private_notes')
      .select('updated_at')
      .where('mentorship_id', '=', access.mentorship.id)
      .executeTakeFirst();
    return { rights, json, updatedAt: row?.updated_at ?? null };
  };

  app.get(ApiRoute.privateNote, async (request): Promise<PrivateNoteResponse> => {
    const note = await privateNoteOf(await requireMentorshipAccess(app, request));
    if (!note) throw notFound('This note');
    const text = noteToText(note.json).trim();
    return { html: noteToHtml(note.json), empty: text === '', updatedAt: note.updatedAt, access: note.rights };
  });

  app.get(ApiRoute.mentorshipExport, async (request, reply) => {
    const access = await requireMentorshipAccess(app, request);
    const { mentorship } = access;
    const history = await loadHistory(app.db, mentorship);
    const records = [];
    for (const entry of [...history.sessions].reverse()) {
      const r = await loadRecord(app.db, entry.session.id, mentorship);
      if (r) records.push(recordToMarkdown(r));
    }
    // The mentor's own export carries their private note, marked as such; nobody else's does.
    const own = await privateNoteOf(access);
    const privatePart = own && noteToText(own.json).trim() ? ['## Private note (only you)', '', noteToMarkdown(own.json).trim(), ''] : [];
    const body = [
      `# ${mdText(mentorship.title)}`,
      '',
      `${records.length} saved session(s), oldest first.`,
      '',
      ...privatePart,
      ...records,
    ].join('\n');
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

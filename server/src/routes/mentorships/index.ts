import { ApiRoute, type GoalsState, MentorshipParamsSchema, type MentorshipResponseSchema, NoteTemplateBodySchema } from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import { loadGoals } from '../../db/goals.js';
import { getMentorship, isMember, setNoteTemplate } from '../../db/mentorships.js';
import { forbidden, notFound, unauthenticated } from '../../lib/errors.js';

const mentorshipRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);

  // Goals outside calls (the dashboard): read-only here, changed through the panel's commands.
  app.get(ApiRoute.goals, async (request): Promise<GoalsState> => {
    const user = request.user;
    if (!user) throw unauthenticated();
    const { id } = MentorshipParamsSchema.parse(request.params);
    const mentorship = await getMentorship(app.db, id);
    if (!mentorship || (!isMember(mentorship, user) && user.role !== 'admin')) throw notFound('This mentorship');
    const state = await loadGoals(app.db, id);
    return { ...state, goals: state.goals.filter((g) => !g.deleted) };
  });

  // The mentor shapes the agenda each new session's note opens with.
  app.put(ApiRoute.noteTemplate, async (request): Promise<z.input<typeof MentorshipResponseSchema>> => {
    const user = request.user;
    if (!user) throw unauthenticated();
    const { id } = MentorshipParamsSchema.parse(request.params);
    const mentorship = await getMentorship(app.db, id);
    if (!mentorship || (!isMember(mentorship, user) && user.role !== 'admin')) throw notFound('This mentorship');
    if (mentorship.mentor.id !== user.id && user.role !== 'admin') throw forbidden('Only the mentor can change the note template.');
    const { sections } = NoteTemplateBodySchema.parse(request.body);
    await setNoteTemplate(app.db, id, sections);
    return { mentorship: { ...mentorship, noteTemplate: sections } };
  });
};

export default mentorshipRoutes;

import { ErrorCode, type Feedback, FeedbackBodySchema, REPORT_EDIT_DAYS, type Report, ReportBodySchema, ReportRoute } from '@tandem/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { Selectable } from 'kysely';
import { requireSessionAccess } from '../../access.js';
import type { SessionFeedbackTable, SessionReportsTable, SessionsTable } from '../../db/schema.js';
import { AppError, forbidden } from '../../lib/errors.js';
import { limitRoutes } from '../../lib/limits.js';
import { nowIso } from '../../lib/time.js';

const toReport = (r: Selectable<SessionReportsTable>): Report => ({
  progress: r.progress,
  engagement: r.engagement,
  comment: r.comment,
  shared: r.shared === 1,
  updatedAt: r.updated_at,
});
const toFeedback = (f: Selectable<SessionFeedbackTable>): Feedback => ({
  usefulness: f.usefulness,
  comment: f.comment,
  updatedAt: f.updated_at,
});

/** Written after the session ended, and changed for 7 days after that. */
function writable(row: Selectable<SessionsTable>): boolean {
  return row.status === 'ended' && Boolean(row.ended_at) && Date.now() - Date.parse(row.ended_at ?? '') <= REPORT_EDIT_DAYS * 86_400_000;
}
function assertWritable(row: Selectable<SessionsTable>) {
  if (row.status !== 'ended')
    throw new AppError(409, ErrorCode.Conflict, 'This session has not taken place: there is nothing to report on.');
  if (!writable(row))
    throw new AppError(409, ErrorCode.Conflict, `A report can be changed for ${REPORT_EDIT_DAYS} days after the session.`);
}

/**
 * After each session: the mentor's report (progress, engagement, a comment) for programme staff,
 * shown to the student only if the mentor shares it; the student's feedback for the mentor.
 */
const reportRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', app.auth.requireUser);
  await limitRoutes(app, 'reports', 60);

  app.get(ReportRoute.report, async (request) => {
    const a = await requireSessionAccess(app, request);
    const row = await app.db.selectFrom('session_reports').selectAll().where('session_id', '=', a.row.id).executeTakeFirst();
    // The student sees it only when shared; otherwise, as if there were none.
    const visible = row && (a.relation !== 'student' || row.shared === 1) ? toReport(row) : null;
    return { report: visible, editable: a.mentor && a.mentorship.status !== 'ended' && writable(a.row) };
  });

  app.put(ReportRoute.report, async (request) => {
    const a = await requireSessionAccess(app, request);
    if (!a.mentor) throw forbidden('Only the mentor of this mentorship writes its session reports.');
    if (a.mentorship.status === 'ended') throw new AppError(409, ErrorCode.SessionClosed, 'This mentorship has ended: it is read-only.');
    assertWritable(a.row);
    const body = ReportBodySchema.parse(request.body);
    const now = nowIso();
    const values = {
      progress: body.progress,
      engagement: body.engagement,
      comment: body.comment,
      shared: body.shared ? 1 : 0,
      updated_at: now,
    };
    await app.db
      .insertInto('session_reports')
      .values({ session_id: a.row.id, mentor_id: a.user.id, created_at: now, ...values })
      .onConflict((oc) => oc.column('session_id').doUpdateSet(values))
      .execute();
    const row = await app.db.selectFrom('session_reports').selectAll().where('session_id', '=', a.row.id).executeTakeFirstOrThrow();
    return { report: toReport(row), editable: true };
  });

  app.get(ReportRoute.feedback, async (request) => {
    const a = await requireSessionAccess(app, request);
    const row = await app.db.selectFrom('session_feedback').selectAll().where('session_id', '=', a.row.id).executeTakeFirst();
    return {
      feedback: row ? toFeedback(row) : null,
      editable: a.relation === 'student' && a.mentorship.status !== 'ended' && writable(a.row),
    };
  });

  app.put(ReportRoute.feedback, async (request) => {
    const a = await requireSessionAccess(app, request);
    if (a.relation !== 'student') throw forbidden('Only the student of this mentorship gives feedback on its sessions.');
    if (a.mentorship.status === 'ended') throw new AppError(409, ErrorCode.SessionClosed, 'This mentorship has ended: it is read-only.');
    assertWritable(a.row);
    const body = FeedbackBodySchema.parse(request.body);
    const now = nowIso();
    await app.db
      .insertInto('session_feedback')
      .values({
        session_id: a.row.id,
        student_id: a.user.id,
        usefulness: body.usefulness,
        comment: body.comment,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('session_id').doUpdateSet({ usefulness: body.usefulness, comment: body.comment, updated_at: now }))
      .execute();
    const row = await app.db.selectFrom('session_feedback').selectAll().where('session_id', '=', a.row.id).executeTakeFirstOrThrow();
    return { feedback: toFeedback(row), editable: true };
  });
};

export default reportRoutes;

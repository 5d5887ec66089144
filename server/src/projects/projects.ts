import { randomUUID } from 'node:crypto';
import {
  type Criterion,
  ErrorCode,
  type Locale,
  type Mentorship,
  type NewProjectBody,
  type Project,
  type ProjectsResponse,
  type ReviewBody,
  type Submission,
  type SubmitBody,
  type User,
} from '@tandem/shared';
import type { Kysely, Selectable } from 'kysely';
import type { Access } from '../access.js';
import type { Database, ProjectsTable, SubmissionsTable } from '../db/schema.js';
import { AppError, forbidden } from '../lib/errors.js';
import { nowIso } from '../lib/time.js';
import { compose, type MailMessage } from '../mail/messages.js';
import { enqueueMail, recipient } from '../mail/outbox.js';

const conflict = (message: string) => new AppError(409, ErrorCode.Conflict, message);
const refused = (message: string) => new AppError(422, ErrorCode.ValidationFailed, message);

/** The pair's mentor or programme staff shape the list; nobody changes an ended mentorship. */
function shaper(a: Access) {
  if (a.mentorship.status === 'ended') throw conflict('This mentorship has ended: it is read-only.');
  if (!a.mentor && a.relation !== 'admin') throw forbidden('Only the mentor (or the programme staff) sets the projects.');
}

const criteriaOf = (texts: string[]): Criterion[] => texts.map((text) => ({ id: randomUUID(), text }));
const parseCriteria = (json: string): Criterion[] => JSON.parse(json) as Criterion[];

function toSubmission(row: Selectable<SubmissionsTable>, m: Mentorship): Submission {
  const person = (id: string) => (id === m.mentor.id ? m.mentor : m.student);
  return {
    id: row.id,
    projectId: row.project_id,
    version: row.version,
    links: JSON.parse(row.links_json) as string[],
    note: row.note,
    submittedBy: person(row.submitted_by),
    submittedAt: row.submitted_at,
    status: row.status,
    review:
      row.reviewed_by && row.reviewed_at
        ? {
            by: person(row.reviewed_by),
            at: row.reviewed_at,
            summary: row.review_summary ?? '',
            criteria: JSON.parse(row.review_json ?? '[]') as NonNullable<Submission['review']>['criteria'],
          }
        : null,
  };
}

function toProject(row: Selectable<ProjectsTable>, submissions: Submission[]): Project {
  return {
    id: row.id,
    mentorshipId: row.mentorship_id,
    title: row.title,
    briefUrl: row.brief_url,
    dueDate: row.due_date,
    criteria: parseCriteria(row.criteria_json),
    position: row.position,
    status: row.status,
    approvedAt: row.approved_at,
    submissions,
  };
}

/** The pair's projects in order, each with its submissions (newest first), and the one being worked on. */
export async function listProjects(db: Kysely<Database>, mentorship: Mentorship): Promise<ProjectsResponse> {
  const rows = await db.selectFrom('projects').selectAll().where('mentorship_id', '=', mentorship.id).orderBy('position').execute();
  const subs =
    rows.length === 0
      ? []
      : await db
          .selectFrom('submissions')
          .selectAll()
          .where(
            'project_id',
            'in',
            rows.map((r) => r.id),
          )
          .orderBy('version', 'desc')
          .execute();
  const projects = rows.map((r) =>
    toProject(
      r,
      subs.filter((s) => s.project_id === r.id).map((s) => toSubmission(s, mentorship)),
    ),
  );
  return { projects, currentId: projects.find((p) => p.status !== 'approved')?.id ?? null };
}

/** For the dashboard: the project being worked on, and how far along the list is. */
export async function projectSummary(db: Kysely<Database>, mentorshipId: string) {
  const rows = await db
    .selectFrom('projects')
    .select(['id', 'title', 'status', 'due_date'])
    .where('mentorship_id', '=', mentorshipId)
    .orderBy('position')
    .execute();
  const current = rows.find((r) => r.status !== 'approved');
  return {
    current: current ? { id: current.id, title: current.title, status: current.status, dueDate: current.due_date } : null,
    approved: rows.filter((r) => r.status === 'approved').length,
    total: rows.length,
  };
}

export async function createProject(db: Kysely<Database>, a: Access & { user: User }, body: Required<NewProjectBody>): Promise<string> {
  shaper(a);
  return db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('projects')
      .select((eb) => [eb.fn.max('position').as('position'), eb.fn.countAll<number>().as('n')])
      .where('mentorship_id', '=', a.mentorship.id)
      .executeTakeFirst();
    if (Number(last?.n ?? 0) >= 40) throw refused('A mentorship has at most 40 projects.');
    const id = randomUUID();
    await trx
      .insertInto('projects')
      .values({
        id,
        mentorship_id: a.mentorship.id,
        title: body.title,
        brief_url: body.briefUrl,
        due_date: body.dueDate,
        criteria_json: JSON.stringify(criteriaOf(body.criteria)),
        position: Number(last?.position ?? -1) + 1,
        status: 'not_started',
        approved_at: null,
        created_by: a.user.id,
        created_at: nowIso(),
      })
      .execute();
    return id;
  });
}

/** A project's fields change until it is approved; criteria keep their ids when their words stay. */
export async function editProject(
  db: Kysely<Database>,
  a: Access,
  row: Selectable<ProjectsTable>,
  body: { title?: string; briefUrl?: string | null; dueDate?: string | null; criteria?: string[] },
): Promise<void> {
  shaper(a);
  if (row.status === 'approved') throw conflict('This project is approved: it is final.');
  let criteria: Criterion[] | undefined;
  if (body.criteria) {
    const old = parseCriteria(row.criteria_json);
    criteria = body.criteria.map((text) => old.find((c) => c.text === text) ?? { id: randomUUID(), text });
  }
  await db
    .updateTable('projects')
    .set({
      ...(body.title !== undefined && { title: body.title }),
      ...(body.briefUrl !== undefined && { brief_url: body.briefUrl }),
      ...(body.dueDate !== undefined && { due_date: body.dueDate }),
      ...(criteria && { criteria_json: JSON.stringify(criteria) }),
    })
    .where('id', '=', row.id)
    .execute();
}

/** A new order: exactly the pair's project ids, each once. */
export async function orderProjects(db: Kysely<Database>, a: Access, ids: string[]): Promise<void> {
  shaper(a);
  await db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom('projects').select('id').where('mentorship_id', '=', a.mentorship.id).execute();
    const mine = new Set(rows.map((r) => r.id));
    if (ids.length !== mine.size || new Set(ids).size !== ids.length || !ids.every((id) => mine.has(id)))
      throw refused('ids: list every project of this mentorship once');
    for (const [position, id] of ids.entries()) await trx.updateTable('projects').set({ position }).where('id', '=', id).execute();
  });
}

/** The path's template list (the mentorship's title is its path) appended to the pair's projects. */
export async function projectsFromTemplate(db: Kysely<Database>, a: Access & { user: User }): Promise<number> {
  shaper(a);
  const template = await db
    .selectFrom('project_templates')
    .selectAll()
    .where('path', '=', a.mentorship.title)
    .orderBy('position')
    .execute();
  if (template.length === 0) throw refused(`No template list for the path “${a.mentorship.title}” yet.`);
  for (const t of template) {
    await createProject(db, a, {
      title: t.title,
      briefUrl: t.brief_url,
      dueDate: null,
      criteria: parseCriteria(t.criteria_json).map((c) => c.text),
    });
  }
  return template.length;
}

function projectMail(
  locale: Locale,
  name: string,
  kind: 'submitted' | 'approved' | 'changes_requested',
  input: { title: string; version: number; by: string; summary: string; url: string },
): MailMessage {
  const fr = locale === 'fr';
  const subject = {
    submitted: fr
      ? `${input.by} a rendu « ${input.title} » (v${input.version})`
      : `${input.by} submitted "${input.title}" (v${input.version})`,
    approved: fr ? `« ${input.title} » est validé` : `"${input.title}" is approved`,
    changes_requested: fr ? `« ${input.title} » : des changements demandés` : `"${input.title}": changes requested`,
  }[kind];
  const line = {
    submitted: fr
      ? `${input.by} a rendu la version ${input.version} de « ${input.title} ». À vous de la relire.`
      : `${input.by} submitted version ${input.version} of "${input.title}". It is yours to review.`,
    approved: fr ? `${input.by} a validé « ${input.title} ». Bravo !` : `${input.by} approved "${input.title}". Well done!`,
    changes_requested: fr
      ? `${input.by} demande des changements sur la version ${input.version} de « ${input.title} ».`
      : `${input.by} asks for changes to version ${input.version} of "${input.title}".`,
  }[kind];
  return compose(locale, subject, [fr ? `Bonjour ${name},` : `Hello ${name},`, line, ...(input.summary ? [input.summary] : [])], {
    label: fr ? 'Ouvrir Tandem' : 'Open Tandem',
    url: input.url,
  });
}

/** The student submits: a new version, the project waits for review, the mentor is told. */
export async function submitProject(
  db: Kysely<Database>,
  origin: string,
  a: Access & { user: User },
  row: Selectable<ProjectsTable>,
  body: Required<SubmitBody>,
): Promise<Submission> {
  if (a.relation !== 'student') throw forbidden('Only the student of this mentorship submits its projects.');
  if (a.mentorship.status === 'ended') throw conflict('This mentorship has ended: it is read-only.');
  return db.transaction().execute(async (trx) => {
    const project = await trx.selectFrom('projects').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    if (project.status === 'approved') throw conflict('This project is approved already.');
    if (project.status === 'submitted') throw conflict('The last version is waiting for review: wait for the mentor’s answer.');
    const last = await trx
      .selectFrom('submissions')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('project_id', '=', row.id)
      .executeTakeFirst();
    const version = Number(last?.v ?? 0) + 1;
    const sub: Selectable<SubmissionsTable> = {
      id: randomUUID(),
      project_id: row.id,
      version,
      links_json: JSON.stringify(body.links),
      note: body.note,
      submitted_by: a.user.id,
      submitted_at: nowIso(),
      status: 'pending',
      reviewed_by: null,
      reviewed_at: null,
      review_summary: null,
      review_json: null,
    };
    await trx.insertInto('submissions').values(sub).execute();
    // Only from the state it was read in: two submissions racing make one.
    const moved = await trx
      .updateTable('projects')
      .set({ status: 'submitted' })
      .where('id', '=', row.id)
      .where('status', '=', project.status)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1) throw conflict('This project changed meanwhile: reload and try again.');
    const mentor = await recipient(trx, a.mentorship.mentor.id);
    await enqueueMail(trx, {
      to: mentor.email,
      toName: mentor.name,
      purpose: 'project-submitted',
      message: projectMail(mentor.locale, mentor.name, 'submitted', {
        title: project.title,
        version,
        by: a.user.displayName,
        summary: body.note,
        url: `${origin}/mentorships/${a.mentorship.id}/projects`,
      }),
    });
    return toSubmission(sub, a.mentorship);
  });
}

/**
 * The pair's mentor reviews the latest submission criterion by criterion and decides: approved
 * (every criterion met; final and dated) or changes requested (with a summary). The student is told.
 */
export async function reviewSubmission(
  db: Kysely<Database>,
  origin: string,
  a: Access & { user: User },
  submissionId: string,
  body: Required<ReviewBody>,
): Promise<Submission> {
  if (!a.mentor) throw forbidden('Only the mentor of this mentorship reviews its projects.');
  if (a.mentorship.status === 'ended') throw conflict('This mentorship has ended: it is read-only.');
  return db.transaction().execute(async (trx) => {
    const sub = await trx.selectFrom('submissions').selectAll().where('id', '=', submissionId).executeTakeFirstOrThrow();
    const project = await trx.selectFrom('projects').selectAll().where('id', '=', sub.project_id).executeTakeFirstOrThrow();
    if (sub.status !== 'pending' || project.status !== 'submitted') throw conflict('This version was reviewed already.');
    const criteria = parseCriteria(project.criteria_json);
    const judged = new Map(body.criteria.map((c) => [c.criterionId, c]));
    if (judged.size !== body.criteria.length || criteria.length !== judged.size || !criteria.every((c) => judged.has(c.id)))
      throw refused('criteria: judge every criterion of the project once');
    if (body.decision === 'approved' && body.criteria.some((c) => !c.met)) throw refused('Approval needs every criterion met.');
    if (body.decision === 'changes_requested' && !body.summary) throw refused('summary: say what to change');
    const now = nowIso();
    // In the project's order, so the record reads like the rubric.
    const review = criteria.map((c) => judged.get(c.id));
    const done = await trx
      .updateTable('submissions')
      .set({
        status: body.decision,
        reviewed_by: a.user.id,
        reviewed_at: now,
        review_summary: body.summary,
        review_json: JSON.stringify(review),
      })
      .where('id', '=', sub.id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(done.numUpdatedRows) !== 1) throw conflict('This version was reviewed meanwhile.');
    await trx
      .updateTable('projects')
      .set({ status: body.decision, approved_at: body.decision === 'approved' ? now : null })
      .where('id', '=', project.id)
      .execute();
    const student = await recipient(trx, a.mentorship.student.id);
    await enqueueMail(trx, {
      to: student.email,
      toName: student.name,
      purpose: `project-${body.decision.replace('_', '-')}`,
      message: projectMail(student.locale, student.name, body.decision, {
        title: project.title,
        version: sub.version,
        by: a.user.displayName,
        summary: body.summary,
        url: `${origin}/mentorships/${a.mentorship.id}/projects`,
      }),
    });
    const after = await trx.selectFrom('submissions').selectAll().where('id', '=', sub.id).executeTakeFirstOrThrow();
    return toSubmission(after, a.mentorship);
  });
}

/** Staff keep one template list per learning path. */
export async function listTemplates(db: Kysely<Database>) {
  const rows = await db.selectFrom('project_templates').selectAll().orderBy('path').orderBy('position').execute();
  const paths = new Map<string, { title: string; briefUrl: string | null; criteria: string[] }[]>();
  for (const r of rows) {
    const list = paths.get(r.path) ?? [];
    list.push({ title: r.title, briefUrl: r.brief_url, criteria: parseCriteria(r.criteria_json).map((c) => c.text) });
    paths.set(r.path, list);
  }
  return { paths: [...paths.entries()].map(([path, projects]) => ({ path, projects })) };
}

export async function saveTemplate(
  db: Kysely<Database>,
  path: string,
  projects: { title: string; briefUrl: string | null; criteria: string[] }[],
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('project_templates').where('path', '=', path).execute();
    for (const [position, p] of projects.entries()) {
      await trx
        .insertInto('project_templates')
        .values({ path, position, title: p.title, brief_url: p.briefUrl, criteria_json: JSON.stringify(criteriaOf(p.criteria)) })
        .execute();
    }
  });
}

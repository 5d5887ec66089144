import { type Project, type Result, ServerEvent, type Submission } from '@tandem/shared';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BusyButton, FormFooter } from '../../app/fields';
import { LoadFailed } from '../../app/LoadFailed';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { getSocket } from '../../lib/socket';
import { formatDate, formatWhen } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';
import { Linkified } from '../transcript/Linkified';

/** The pair's projects, kept live: any change (submitted, reviewed, added) is read again. */
export function useProjects(mentorshipId: string) {
  const [load, reload] = useLoad(() => api.projects(mentorshipId), mentorshipId);
  useEffect(() => {
    const socket = getSocket();
    const onChanged = (e: { mentorshipId: string }) => e.mentorshipId === mentorshipId && reload();
    socket.on(ServerEvent.projectsChanged.name, onChanged);
    return () => {
      socket.off(ServerEvent.projectsChanged.name, onChanged);
    };
  }, [mentorshipId, reload]);
  return { load, reload };
}

/**
 * The project the pair works on and everything around it: its brief and criteria, the student's
 * submissions (v1, v2, …), the mentor's review criterion by criterion, and the rest of the list.
 * The same in the call's Project tab and on the projects page.
 */
export function ProjectPanel({
  mentorshipId,
  role,
  readOnly,
}: {
  mentorshipId: string;
  role: 'mentor' | 'student' | 'admin';
  readOnly: boolean;
}) {
  const { t } = useTranslation();
  const { load, reload } = useProjects(mentorshipId);
  const [notice, setNotice] = useState<string | null>(null);
  const top = useRef<HTMLDivElement>(null);
  if (load.state === 'loading')
    return (
      <p className="muted" aria-busy="true">
        {t('projects.loading')}
      </p>
    );
  if (load.state === 'error') return <LoadFailed message={load.message} onRetry={reload} />;
  const { projects, currentId } = load.data;
  const current = projects.find((p) => p.id === currentId) ?? null;
  // Every project approved: the last one stays in view, with its versions and reviews.
  const shown = current ?? projects.filter((p) => p.status === 'approved').at(-1) ?? null;
  const approved = projects.filter((p) => p.status === 'approved').length;
  const done = (text: string) => {
    setNotice(text);
    // The form that was used went away: the panel keeps the focus.
    top.current?.focus();
    reload();
  };
  const canShape = !readOnly && (role === 'mentor' || role === 'admin');

  return (
    <div className="project-panel" ref={top} tabIndex={-1}>
      <p className="success small" role="status">
        {notice}
      </p>
      {projects.length === 0 ? (
        <p className="muted">{role === 'student' ? t('projects.noneStudent') : t('projects.none')}</p>
      ) : (
        <p className="muted small">{t('projects.progress', { approved, total: projects.length })}</p>
      )}
      {!current && projects.length > 0 && <p>{t('projects.allApproved')}</p>}
      {shown && <CurrentProject project={shown} current={shown === current} role={role} readOnly={readOnly} onDone={done} />}
      {projects.length > 1 && (
        <>
          <h3>{t('projects.all')}</h3>
          <ol className="project-list">
            {projects.map((p) => (
              <li key={p.id}>
                {p.title} <span className={`badge badge-status badge-${p.status}`}>{t(`projects.status.${p.status}`)}</span>
                {p.approvedAt && <span className="muted small"> · {t('projects.approvedOn', { when: formatWhen(p.approvedAt) })}</span>}
              </li>
            ))}
          </ol>
        </>
      )}
      {canShape && <NewProject mentorshipId={mentorshipId} onDone={() => done(t('projects.added'))} />}
    </div>
  );
}

function CurrentProject({
  project,
  current,
  role,
  readOnly,
  onDone,
}: {
  project: Project;
  current: boolean;
  role: 'mentor' | 'student' | 'admin';
  readOnly: boolean;
  onDone(text: string): void;
}) {
  const { t } = useTranslation();
  const latest = project.submissions[0] ?? null;
  const canSubmit = !readOnly && role === 'student' && (project.status === 'not_started' || project.status === 'changes_requested');
  const canReview = !readOnly && role === 'mentor' && latest?.status === 'pending';
  return (
    <section className="project-current" aria-labelledby="project-title">
      <div className="eyebrow">{current ? t('projects.current') : t('projects.lastApproved')}</div>
      <h3 id="project-title">
        {project.title} <span className={`badge badge-status badge-${project.status}`}>{t(`projects.status.${project.status}`)}</span>
      </h3>
      <p className="muted small">
        {project.briefUrl && (
          <>
            <a href={project.briefUrl} target="_blank" rel="noreferrer noopener">
              {t('projects.brief')}
            </a>
            {project.dueDate && ' · '}
          </>
        )}
        {project.dueDate && t('projects.due', { date: formatDate(project.dueDate) })}
      </p>
      <h4>{t('projects.criteria')}</h4>
      <ul className="criteria">
        {project.criteria.map((c) => (
          <li key={c.id}>{c.text}</li>
        ))}
      </ul>
      {canSubmit && <SubmitForm project={project} onDone={() => onDone(t('projects.submitted'))} />}
      {role === 'student' && project.status === 'submitted' && <p className="muted">{t('projects.waiting')}</p>}
      {canReview && latest && <ReviewForm project={project} submission={latest} onDone={(d) => onDone(t(`projects.reviewed.${d}`))} />}
      {project.submissions.length > 0 && (
        <>
          <h4>{t('projects.versions')}</h4>
          <ol className="submissions" reversed>
            {project.submissions.map((s) => (
              <SubmissionItem key={s.id} submission={s} project={project} />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

function SubmissionItem({ submission: s, project }: { submission: Submission; project: Project }) {
  const { t } = useTranslation();
  return (
    <li className="submission">
      <div>
        <strong>v{s.version}</strong> · {formatWhen(s.submittedAt)} ·{' '}
        <span className={`badge badge-status badge-${s.status}`}>{t(`projects.subStatus.${s.status}`)}</span>
      </div>
      <ul className="links">
        {s.links.map((l) => (
          <li key={l}>
            <Linkified text={l} />
          </li>
        ))}
      </ul>
      {s.note && <p className="submission-note">{s.note}</p>}
      {s.review && (
        <div className="review">
          <p>
            <strong>{t('projects.reviewBy', { name: s.review.by.displayName, when: formatWhen(s.review.at) })}</strong>
            {s.review.summary && ` — ${s.review.summary}`}
          </p>
          <ul className="criteria-review">
            {s.review.criteria.map((c) => (
              <li key={c.criterionId} className={c.met ? 'met' : 'not-met'}>
                <span aria-hidden="true">{c.met ? '✓' : '✗'}</span> {project.criteria.find((x) => x.id === c.criterionId)?.text ?? ''}{' '}
                <span className="sr-only">{c.met ? t('projects.met') : t('projects.notYet')}</span>
                {c.comment && <span className="muted"> — {c.comment}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </li>
  );
}

/** Sends a request and says what went wrong, if anything. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (action: () => Promise<Result<unknown>>, onOk: () => void) => {
    setBusy(true);
    setError(null);
    const res = await action();
    setBusy(false);
    if (res.ok) onOk();
    else setError(errorText(res.error));
  };
  return { busy, error, run };
}

function SubmitForm({ project, onDone }: { project: Project; onDone(): void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const id = useId();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const links = String(data.get('links') ?? '')
      .split(/\s+/)
      .map((l) => l.trim())
      .filter(Boolean);
    void run(() => api.submitProject(project.id, { links, note: String(data.get('note') ?? '') }), onDone);
  };
  return (
    <form className="week-form" aria-labelledby={id} onSubmit={submit}>
      <h4 id={id}>{project.status === 'changes_requested' ? t('projects.resubmit') : t('projects.submit')}</h4>
      <label>
        {t('projects.links')}
        <textarea name="links" rows={2} required />
      </label>
      <label>
        {t('projects.note')}
        <textarea name="note" rows={2} maxLength={2000} />
      </label>
      <FormFooter busy={busy} label={t('projects.send')} error={error} />
    </form>
  );
}

function ReviewForm({
  project,
  submission,
  onDone,
}: {
  project: Project;
  submission: Submission;
  onDone(d: 'approved' | 'changes_requested'): void;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const id = useId();
  const [met, setMet] = useState<Record<string, boolean>>({});
  const allMet = project.criteria.every((c) => met[c.id]);
  const decide = (form: HTMLFormElement, decision: 'approved' | 'changes_requested') => {
    const data = new FormData(form);
    void run(
      () =>
        api.reviewSubmission(submission.id, {
          decision,
          summary: String(data.get('summary') ?? ''),
          criteria: project.criteria.map((c) => ({
            criterionId: c.id,
            met: Boolean(met[c.id]),
            comment: String(data.get(`comment-${c.id}`) ?? ''),
          })),
        }),
      () => onDone(decision),
    );
  };
  return (
    <form className="week-form review-form" aria-labelledby={id} onSubmit={(e) => e.preventDefault()}>
      <h4 id={id}>{t('projects.reviewTitle', { version: submission.version })}</h4>
      {project.criteria.map((c) => (
        <fieldset key={c.id} className="criterion">
          <legend>{c.text}</legend>
          <label className="checkbox">
            <input type="checkbox" checked={Boolean(met[c.id])} onChange={(e) => setMet((m) => ({ ...m, [c.id]: e.target.checked }))} />
            {t('projects.met')}
          </label>
          <label>
            {t('projects.comment')}
            <input name={`comment-${c.id}`} maxLength={1000} />
          </label>
        </fieldset>
      ))}
      <label>
        {t('projects.summary')}
        <textarea name="summary" rows={2} maxLength={2000} />
      </label>
      <div className="row">
        <BusyButton
          className="btn btn-primary btn-small"
          busy={busy}
          disabled={!allMet}
          onClick={(e) => e.currentTarget.form && decide(e.currentTarget.form, 'approved')}
        >
          {t('projects.approve')}
        </BusyButton>
        <BusyButton
          className="btn btn-quiet btn-small"
          busy={busy}
          onClick={(e) => e.currentTarget.form && decide(e.currentTarget.form, 'changes_requested')}
        >
          {t('projects.requestChanges')}
        </BusyButton>
      </div>
      {!allMet && <p className="muted small">{t('projects.approveNeedsAll')}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

function NewProject({ mentorshipId, onDone }: { mentorshipId: string; onDone(): void }) {
  const { t } = useTranslation();
  const { busy, error, run } = useAction();
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!open)
    return (
      <div className="row">
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setOpen(true)}>
          {t('projects.add')}
        </button>
        <BusyButton
          className="btn btn-quiet btn-small"
          busy={busy}
          onClick={() => void run(() => api.projectsFromTemplate(mentorshipId), onDone)}
        >
          {t('projects.fromTemplate')}
        </BusyButton>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
    );
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const briefUrl = String(data.get('briefUrl') ?? '').trim();
    const dueDate = String(data.get('dueDate') ?? '');
    void run(
      () =>
        api.createProject(mentorshipId, {
          title: String(data.get('title') ?? ''),
          briefUrl: briefUrl || null,
          dueDate: dueDate || null,
          criteria: String(data.get('criteria') ?? '')
            .split('\n')
            .map((c) => c.trim())
            .filter(Boolean),
        }),
      () => {
        setOpen(false);
        onDone();
      },
    );
  };
  return (
    <form className="week-form" aria-labelledby={id} onSubmit={submit}>
      <h4 id={id}>{t('projects.add')}</h4>
      <label>
        {t('projects.title')}
        <input name="title" required maxLength={120} />
      </label>
      <label>
        {t('projects.briefUrl')}
        <input name="briefUrl" type="url" />
      </label>
      <label>
        {t('projects.dueDate')}
        <input name="dueDate" type="date" />
      </label>
      <label>
        {t('projects.criteriaField')}
        <textarea name="criteria" rows={3} required />
      </label>
      <FormFooter busy={busy} label={t('projects.create')} error={error}>
        <button type="button" className="btn btn-quiet btn-small" onClick={() => setOpen(false)}>
          {t('week.back')}
        </button>
      </FormFooter>
    </form>
  );
}

import { type Feedback, type Progress, ProgressSchema, type Report } from '@tandem/shared';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormFooter } from '../../app/fields';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';

/**
 * Under a session's record: the mentor's report (for programme staff; shared with the student only
 * if the mentor ticks it) and the student's feedback (for the mentor). Each is written by its author
 * for 7 days after the session, and skippable.
 */
export function AfterSession({ sessionId, role }: { sessionId: string; role: 'mentor' | 'student' | 'admin' }) {
  const { t } = useTranslation();
  const [report, reloadReport] = useLoad(() => api.report(sessionId), `r${sessionId}`);
  const [feedback, reloadFeedback] = useLoad(() => api.feedback(sessionId), `f${sessionId}`);
  return (
    <section aria-labelledby="after-session" className="after-session no-print">
      <h2 id="after-session">{t('after.title')}</h2>
      {report.state === 'ready' &&
        (report.data.editable ? (
          <ReportForm sessionId={sessionId} report={report.data.report} onSaved={reloadReport} />
        ) : (
          report.data.report && <ReportView report={report.data.report} />
        ))}
      {feedback.state === 'ready' &&
        (feedback.data.editable ? (
          <FeedbackForm sessionId={sessionId} feedback={feedback.data.feedback} onSaved={reloadFeedback} />
        ) : (
          feedback.data.feedback && role !== 'student' && <FeedbackView feedback={feedback.data.feedback} />
        ))}
      {report.state === 'ready' &&
        feedback.state === 'ready' &&
        !report.data.editable &&
        !feedback.data.editable &&
        !report.data.report &&
        !feedback.data.feedback && <p className="muted">{t('after.nothing')}</p>}
    </section>
  );
}

function ReportView({ report }: { report: Report }) {
  const { t } = useTranslation();
  return (
    <div className="card">
      <h3>{t('after.reportTitle')}</h3>
      <p>
        {t(`after.progress.${report.progress}`)} · {t('after.engagementIs', { value: report.engagement })}
      </p>
      {report.comment && <p>{report.comment}</p>}
      <p className="muted small">{t('after.updated', { when: formatWhen(report.updatedAt) })}</p>
    </div>
  );
}

function FeedbackView({ feedback }: { feedback: Feedback }) {
  const { t } = useTranslation();
  return (
    <div className="card">
      <h3>{t('after.feedbackTitle')}</h3>
      <p>{t('after.usefulnessIs', { value: feedback.usefulness })}</p>
      {feedback.comment && <p>{feedback.comment}</p>}
    </div>
  );
}

const scaleKeys = ['one', 'two', 'three', 'four'] as const;

/** 1–4 as a row of radio buttons. */
function Scale({ name, legend, value, labels }: { name: string; legend: string; value: number | undefined; labels: string[] }) {
  return (
    <fieldset className="scale">
      <legend>{legend}</legend>
      {labels.map((label, i) => (
        <label key={label} className="checkbox">
          <input type="radio" name={name} value={i + 1} defaultChecked={value === i + 1} required />
          {label}
        </label>
      ))}
    </fieldset>
  );
}

function useSave() {
  const [state, setState] = useState<{ busy: boolean; error: string | null; saved: boolean }>({ busy: false, error: null, saved: false });
  const save = async (action: () => ReturnType<typeof api.saveReport> | ReturnType<typeof api.saveFeedback>, onSaved: () => void) => {
    setState({ busy: true, error: null, saved: false });
    const res = await action();
    setState({ busy: false, error: res.ok ? null : errorText(res.error), saved: res.ok });
    if (res.ok) onSaved();
  };
  return { ...state, save };
}

function ReportForm({ sessionId, report, onSaved }: { sessionId: string; report: Report | null; onSaved(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const { busy, error, saved, save } = useSave();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    void save(
      () =>
        api.saveReport(sessionId, {
          progress: ProgressSchema.parse(data.get('progress')) as Progress,
          engagement: Number(data.get('engagement')),
          comment: String(data.get('comment') ?? ''),
          shared: data.get('shared') === 'on',
        }),
      onSaved,
    );
  };
  return (
    <form className="week-form" aria-labelledby={id} onSubmit={submit}>
      <h3 id={id}>{t('after.reportTitle')}</h3>
      <p className="muted small">{t('after.reportLead')}</p>
      <fieldset className="scale">
        <legend>{t('after.progressLegend')}</legend>
        {ProgressSchema.options.map((p) => (
          <label key={p} className="checkbox">
            <input type="radio" name="progress" value={p} defaultChecked={report?.progress === p} required />
            {t(`after.progress.${p}`)}
          </label>
        ))}
      </fieldset>
      <Scale
        name="engagement"
        legend={t('after.engagement')}
        value={report?.engagement}
        labels={scaleKeys.map((k) => t(`after.engagementScale.${k}`))}
      />
      <label>
        {t('after.comment')}
        <textarea name="comment" rows={3} maxLength={2000} defaultValue={report?.comment ?? ''} />
      </label>
      <label className="checkbox">
        <input type="checkbox" name="shared" defaultChecked={report?.shared ?? false} />
        {t('after.share')}
      </label>
      <FormFooter busy={busy} label={t('after.save')} done={saved ? t('after.saved') : ''} error={error} />
    </form>
  );
}

function FeedbackForm({ sessionId, feedback, onSaved }: { sessionId: string; feedback: Feedback | null; onSaved(): void }) {
  const { t } = useTranslation();
  const id = useId();
  const { busy, error, saved, save } = useSave();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    void save(
      () => api.saveFeedback(sessionId, { usefulness: Number(data.get('usefulness')), comment: String(data.get('comment') ?? '') }),
      onSaved,
    );
  };
  return (
    <form className="week-form" aria-labelledby={id} onSubmit={submit}>
      <h3 id={id}>{t('after.feedbackTitle')}</h3>
      <p className="muted small">{t('after.feedbackLead')}</p>
      <Scale
        name="usefulness"
        legend={t('after.usefulness')}
        value={feedback?.usefulness}
        labels={scaleKeys.map((k) => t(`after.usefulnessScale.${k}`))}
      />
      <label>
        {t('after.comment')}
        <textarea name="comment" rows={3} maxLength={2000} defaultValue={feedback?.comment ?? ''} />
      </label>
      <FormFooter busy={busy} label={t('after.send')} done={saved ? t('after.sent') : ''} error={error} />
    </form>
  );
}

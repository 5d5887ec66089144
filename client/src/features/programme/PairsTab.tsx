import { CreatePairBodySchema, type PairRow, type PersonRow, type WeeklySlot, WeeklySlotSchema } from '@tandem/shared';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { browserTimeZone, FormError, fieldText, SubmitButton, TimeZoneField } from '../../app/fields';
import { linkTo, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatSlot, formatWhen } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';
import { ActionOutcome, Loaded, StatusBadge } from './parts';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const durations = [30, 45, 60, 90, 120];

/** Weekday, time, zone and length of a weekly slot. */
function SlotFields({ slot }: { slot?: WeeklySlot }) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('programme.pairs.weekday')}
        <select name="weekday" defaultValue={String(slot?.weekday ?? 2)}>
          {weekdays.map((d, i) => (
            <option key={d} value={String(i + 1)}>
              {t(`time.weekdays.${d}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('programme.pairs.time')}
        <input name="time" type="time" required defaultValue={slot?.time ?? '18:00'} />
      </label>
      <TimeZoneField name="timeZone" defaultValue={slot?.timeZone ?? browserTimeZone()} label={t('fields.timeZone')} />
      <label>
        {t('programme.pairs.duration')}
        <select name="durationMinutes" defaultValue={String(slot?.durationMinutes ?? 60)}>
          {durations.map((m) => (
            <option key={m} value={String(m)}>
              {t('time.minutes', { count: m })}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}

const slotFrom = (form: FormData) => ({
  weekday: Number(fieldText(form, 'weekday')),
  time: fieldText(form, 'time'),
  timeZone: fieldText(form, 'timeZone'),
  durationMinutes: Number(fieldText(form, 'durationMinutes')),
});

function CreatePairForm({ people, onCreated }: { people: PersonRow[]; onCreated(message: string): void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mentors = people.filter((p) => p.role === 'mentor');
  const students = people.filter((p) => p.role === 'student');
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const parsed = CreatePairBodySchema.safeParse({
      mentorId: fieldText(form, 'mentorId'),
      studentId: fieldText(form, 'studentId'),
      title: fieldText(form, 'title'),
      slot: slotFrom(form),
    });
    if (!parsed.success) return setError(t('programme.pairs.check'));
    setBusy(true);
    setError(null);
    const res = await api.createPair(parsed.data);
    setBusy(false);
    if (!res.ok) return setError(errorText(res.error));
    formEl.reset();
    const { mentorship, nextSession } = res.data.pair;
    onCreated(
      t('programme.pairs.created', {
        mentor: mentorship.mentor.displayName,
        student: mentorship.student.displayName,
        when: nextSession ? formatWhen(nextSession.scheduledAt, mentorship.slot.timeZone) : '—',
      }),
    );
  }
  return (
    <form
      className="form form-inline"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="pair-title"
      aria-describedby={error ? 'pair-error' : undefined}
    >
      <h2 id="pair-title">{t('programme.pairs.createTitle')}</h2>
      <label>
        {t('programme.pairs.mentor')}
        <select name="mentorId" required defaultValue="">
          <option value="" disabled>
            {t('programme.pairs.choose')}
          </option>
          {mentors.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName} ({t('programme.people.pairs', { count: p.activePairs })})
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('programme.pairs.student')}
        <select name="studentId" required defaultValue="">
          <option value="" disabled>
            {t('programme.pairs.choose')}
          </option>
          {students.map((p) => (
            <option key={p.id} value={p.id}>
              {p.displayName}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('programme.pairs.path')}
        <input name="title" required maxLength={120} placeholder={t('programme.pairs.pathHint')} />
      </label>
      <SlotFields />
      <SubmitButton busy={busy} className="btn btn-primary">
        {busy ? t('programme.pairs.creating') : t('programme.pairs.create')}
      </SubmitButton>
      <FormError id="pair-error" message={error} />
    </form>
  );
}

function PairCard({
  pair,
  mentors,
  onDone,
}: {
  pair: PairRow;
  mentors: PersonRow[];
  onDone(outcome: { ok: boolean; message: string }): void;
}) {
  const { t } = useTranslation();
  const { mentorship: m, nextSession } = pair;
  const [editing, setEditing] = useState<'slot' | 'reassign' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const headingId = useId();
  const done = (ok: boolean, message: string) => {
    setEditing(null);
    onDone({ ok, message });
  };
  const status = async (action: 'pause' | 'resume' | 'end') => {
    if (action === 'end' && !window.confirm(t('programme.pairs.confirmEnd', { title: m.title }))) return;
    const res = await api.setPairStatus(m.id, action);
    done(res.ok, res.ok ? t(`programme.pairs.done.${action}`, { title: m.title }) : errorText(res.error));
  };
  async function onSlot(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = WeeklySlotSchema.safeParse(slotFrom(new FormData(event.currentTarget)));
    if (!parsed.success) return setError(t('programme.pairs.check'));
    const res = await api.changeSlot(m.id, parsed.data);
    if (!res.ok) return setError(errorText(res.error));
    done(true, t('programme.pairs.done.slot', { title: m.title, slot: formatSlot(parsed.data) }));
  }
  async function onReassign(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const mentorId = fieldText(new FormData(event.currentTarget), 'mentorId');
    if (!mentorId) return setError(t('programme.pairs.check'));
    const res = await api.reassign(m.id, mentorId);
    if (!res.ok) return setError(errorText(res.error));
    done(true, t('programme.pairs.done.reassign', { student: m.student.displayName, mentor: res.data.pair.mentorship.mentor.displayName }));
  }
  return (
    <li className="row-card pair" aria-labelledby={headingId}>
      <div className="grow">
        <h3 id={headingId}>
          <a href={pagePath.mentorship(m.id)} onClick={linkTo(pagePath.mentorship(m.id))}>
            {m.title}
          </a>
        </h3>
        <div>
          {m.mentor.displayName} → {m.student.displayName}
        </div>
        <div className="muted small">
          {formatSlot(m.slot)} · {t('programme.pairs.held', { count: pair.sessionsHeld })}
          {nextSession && <> · {t('programme.pairs.next', { when: formatWhen(nextSession.scheduledAt, m.slot.timeZone) })}</>}
        </div>
      </div>
      <StatusBadge status={m.status} label={t(`programme.pairs.status.${m.status}`)} />
      {m.status !== 'ended' && (
        <div className="row actions">
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={editing === 'slot'}
            onClick={() => setEditing(editing === 'slot' ? null : 'slot')}
          >
            {t('programme.pairs.changeSlot')}
          </button>
          {m.status === 'active' ? (
            <button type="button" className="btn btn-small" onClick={() => void status('pause')}>
              {t('programme.pairs.pause')}
            </button>
          ) : (
            <button type="button" className="btn btn-small" onClick={() => void status('resume')}>
              {t('programme.pairs.resume')}
            </button>
          )}
          <button
            type="button"
            className="btn btn-small"
            aria-expanded={editing === 'reassign'}
            onClick={() => setEditing(editing === 'reassign' ? null : 'reassign')}
          >
            {t('programme.pairs.reassign')}
          </button>
          <button type="button" className="btn btn-small btn-danger-text" onClick={() => void status('end')}>
            {t('programme.pairs.end')}
          </button>
        </div>
      )}
      {editing === 'slot' && (
        <form className="form form-inline full" onSubmit={onSlot} noValidate aria-label={t('programme.pairs.changeSlot')}>
          <SlotFields slot={m.slot} />
          <button type="submit" className="btn btn-primary">
            {t('programme.pairs.saveSlot')}
          </button>
          <p className="muted small">{t('programme.pairs.slotNote')}</p>
        </form>
      )}
      {editing === 'reassign' && (
        <form className="form form-inline full" onSubmit={onReassign} noValidate aria-label={t('programme.pairs.reassign')}>
          <label>
            {t('programme.pairs.newMentor')}
            <select name="mentorId" defaultValue="">
              <option value="" disabled>
                {t('programme.pairs.choose')}
              </option>
              {mentors
                .filter((p) => p.id !== m.mentor.id)
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.displayName}
                  </option>
                ))}
            </select>
          </label>
          <button type="submit" className="btn btn-primary">
            {t('programme.pairs.reassignSubmit')}
          </button>
          <p className="muted small">{t('programme.pairs.reassignNote')}</p>
        </form>
      )}
      {error && (
        <p className="error full" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** Pairs: create one (the first session booked at the next slot), change a slot, pause, resume, end, reassign. */
export function PairsTab() {
  const { t } = useTranslation();
  const [pairs, reloadPairs] = useLoad(() => api.pairs());
  const [people] = useLoad(() => api.people({ status: 'active' }));
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const active = people.state === 'ready' ? people.data.people : [];
  const report = (o: { ok: boolean; message: string }) => {
    setOutcome(o);
    reloadPairs();
  };
  return (
    <>
      <section className="card">
        <CreatePairForm people={active} onCreated={(message) => report({ ok: true, message })} />
      </section>
      <ActionOutcome outcome={outcome} list={pairs} />
      <section className="card" aria-labelledby="pairs-title">
        <h2 id="pairs-title">{t('programme.tabs.pairs')}</h2>
        <Loaded load={pairs} reload={reloadPairs}>
          {(data) =>
            data.pairs.length === 0 ? (
              <p className="muted">{t('programme.pairs.none')}</p>
            ) : (
              <ul className="plain-list">
                {data.pairs.map((pair) => (
                  <PairCard key={pair.mentorship.id} pair={pair} mentors={active.filter((p) => p.role === 'mentor')} onDone={report} />
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

import { JOIN_WINDOW_MINUTES, joinOpensAt, type Mentorship, type Move, type Result, type Session } from '@tandem/shared';
import { type FormEvent, type ReactNode, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BusyButton, SubmitButton } from '../../app/fields';
import { linkTo, pagePath } from '../../app/router';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { currentViewer, formatTime, formatWhen, zoneName } from '../../lib/time';

type Form = 'move' | 'cancel' | 'skip' | 'extra' | null;

/** "18:00 for Sam (New York)" when the other person lives in another zone than the viewer. */
export function TheirTime({ at, name, zone }: { at: string; name: string; zone: string | undefined }) {
  const { t } = useTranslation();
  const viewer = currentViewer();
  if (!zone || zone === viewer.timeZone) return null;
  return (
    <span className="muted">
      {t('week.theirTime', { time: formatTime(at, { ...viewer, timeZone: zone }), name, zone: zoneName(zone) })}
    </span>
  );
}

/** A `datetime-local` value (the viewer's wall clock) as an instant. */
const fromLocalInput = (value: string) => new Date(value).toISOString();
/** An instant as a `datetime-local` value in the viewer's zone. */
function toLocalInput(at: string): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The next session on the dashboard and everything the week between calls asks of it: join or
 * prepare, move (propose, or move directly as the mentor), cancel, skip, add an extra session,
 * and answer the other person's proposals.
 */
export function NextSessionCard({
  mentorship,
  session,
  moves,
  isMentor,
  onChanged,
}: {
  mentorship: Mentorship;
  session: Session | null;
  moves: Move[];
  isMentor: boolean;
  onChanged(): void;
}) {
  const { t } = useTranslation();
  const [form, setForm] = useState<Form>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const block = useRef<HTMLDivElement>(null);
  const other = isMentor ? mentorship.student : mentorship.mentor;
  const active = mentorship.status === 'active';

  const run = async (action: () => Promise<Result<unknown>>, doneText: string) => {
    setBusy(true);
    setError(null);
    setDone(null);
    const res = await action();
    setBusy(false);
    if (!res.ok) {
      setError(errorText(res.error));
      return;
    }
    setForm(null);
    setDone(doneText);
    // The control that was used went away with its form or proposal: the card keeps the focus.
    block.current?.focus();
    onChanged();
  };

  const toggle = (f: Form) => {
    setError(null);
    setForm((cur) => (cur === f ? null : f));
  };
  const ahead = session?.status === 'scheduled';
  const href = session ? pagePath.session(session.id) : '';

  return (
    <div className="next-session-block" ref={block} tabIndex={-1}>
      {session ? (
        <div className="next-session">
          <div>
            <div className="eyebrow">
              {session.status === 'live'
                ? t('dashboard.happeningNow')
                : session.kind === 'extra'
                  ? t('week.extraSession')
                  : t('dashboard.nextSession')}
            </div>
            <div>{t('dashboard.weekAt', { week: session.week, when: formatWhen(session.scheduledAt, mentorship.slot.timeZone) })}</div>
            <TheirTime at={session.scheduledAt} name={other.displayName} zone={other.timeZone} />
          </div>
          <div className="row">
            <a className="btn btn-primary" href={href} onClick={linkTo(href)}>
              {session.status === 'live' || Date.now() >= Date.parse(joinOpensAt(session.scheduledAt, JOIN_WINDOW_MINUTES))
                ? t('dashboard.join')
                : t('week.prepare')}
            </a>
          </div>
        </div>
      ) : (
        <p className="muted">{t('dashboard.noUpcoming')}</p>
      )}

      {moves.map((m) => (
        <PendingMove
          key={m.id}
          move={m}
          mine={m.proposedBy.id !== other.id}
          other={other}
          onDecide={(d) => run(() => api.decideMove(m.id, d), t(`week.done.${d}`))}
          busy={busy}
        />
      ))}

      {active && (
        <div className="row week-actions">
          {session && ahead && (
            <>
              <button type="button" className="btn btn-quiet btn-small" aria-expanded={form === 'move'} onClick={() => toggle('move')}>
                {isMentor ? t('week.move') : t('week.proposeMove')}
              </button>
              <button type="button" className="btn btn-quiet btn-small" aria-expanded={form === 'cancel'} onClick={() => toggle('cancel')}>
                {t('week.cancel')}
              </button>
              {isMentor && session.kind === 'weekly' && (
                <button type="button" className="btn btn-quiet btn-small" aria-expanded={form === 'skip'} onClick={() => toggle('skip')}>
                  {t('week.skip')}
                </button>
              )}
            </>
          )}
          {isMentor && (
            <button type="button" className="btn btn-quiet btn-small" aria-expanded={form === 'extra'} onClick={() => toggle('extra')}>
              {t('week.addExtra')}
            </button>
          )}
        </div>
      )}

      {session && form === 'move' && (
        <MoveForm
          session={session}
          isMentor={isMentor}
          other={other}
          busy={busy}
          onCancel={() => setForm(null)}
          onSubmit={(to, message, direct) =>
            run(() => api.proposeMove(session.id, { to, message, direct }), t(direct ? 'week.done.moved' : 'week.done.proposed'))
          }
        />
      )}
      {session && (form === 'cancel' || form === 'skip') && (
        <ReasonForm
          kind={form}
          late={Date.parse(session.scheduledAt) - Date.now() < 24 * 3600_000}
          busy={busy}
          onCancel={() => setForm(null)}
          onSubmit={(reason) =>
            run(
              () => (form === 'skip' ? api.skipSession(session.id, reason) : api.cancelSession(session.id, reason)),
              t(form === 'skip' ? 'week.done.skipped' : 'week.done.cancelled'),
            )
          }
        />
      )}
      {form === 'extra' && (
        <ExtraForm
          durationMinutes={mentorship.slot.durationMinutes}
          busy={busy}
          onCancel={() => setForm(null)}
          onSubmit={(at, minutes) => run(() => api.extraSession(mentorship.id, at, minutes), t('week.done.extra'))}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <p className="success small" role="status">
        {done}
      </p>
    </div>
  );
}

function PendingMove({
  move,
  mine,
  other,
  busy,
  onDecide,
}: {
  move: Move;
  mine: boolean;
  other: Mentorship['mentor'];
  busy: boolean;
  onDecide(d: 'accept' | 'decline' | 'withdraw'): void;
}) {
  const { t } = useTranslation();
  return (
    <div className="pending-move">
      <p>
        {mine
          ? t('week.youProposed', { name: other.displayName, from: formatWhen(move.from), to: formatWhen(move.to) })
          : t('week.theyPropose', { name: move.proposedBy.displayName, from: formatWhen(move.from), to: formatWhen(move.to) })}{' '}
        <TheirTime at={move.to} name={other.displayName} zone={other.timeZone} />
      </p>
      {move.message && <blockquote>{move.message}</blockquote>}
      <div className="row">
        {mine ? (
          <BusyButton className="btn btn-quiet btn-small" busy={busy} onClick={() => onDecide('withdraw')}>
            {t('week.withdraw')}
          </BusyButton>
        ) : (
          <>
            <BusyButton className="btn btn-primary btn-small" busy={busy} onClick={() => onDecide('accept')}>
              {t('week.accept')}
            </BusyButton>
            <BusyButton className="btn btn-quiet btn-small" busy={busy} onClick={() => onDecide('decline')}>
              {t('week.decline')}
            </BusyButton>
          </>
        )}
      </div>
    </div>
  );
}

function FormShell({ title, children, onSubmit }: { title: string; children: ReactNode; onSubmit(e: FormEvent<HTMLFormElement>): void }) {
  const id = useId();
  return (
    <form className="week-form" aria-labelledby={id} onSubmit={onSubmit}>
      <h3 id={id}>{title}</h3>
      {children}
    </form>
  );
}

function Buttons({ busy, submit, onCancel }: { busy: boolean; submit: string; onCancel(): void }) {
  const { t } = useTranslation();
  return (
    <div className="row">
      <SubmitButton busy={busy} className="btn btn-primary btn-small">
        {busy ? t('week.working') : submit}
      </SubmitButton>
      <button type="button" className="btn btn-quiet btn-small" onClick={onCancel}>
        {t('week.back')}
      </button>
    </div>
  );
}

function MoveForm({
  session,
  isMentor,
  other,
  busy,
  onCancel,
  onSubmit,
}: {
  session: Session;
  isMentor: boolean;
  other: Mentorship['mentor'];
  busy: boolean;
  onCancel(): void;
  onSubmit(to: string, message: string, direct: boolean): void;
}) {
  const { t } = useTranslation();
  const [when, setWhen] = useState(() => toLocalInput(session.scheduledAt));
  const [direct, setDirect] = useState(false);
  const valid = when !== '' && !Number.isNaN(Date.parse(when));
  return (
    <FormShell
      title={isMentor ? t('week.moveTitle') : t('week.proposeTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        const data = new FormData(e.currentTarget);
        onSubmit(fromLocalInput(when), String(data.get('message') ?? ''), isMentor && direct);
      }}
    >
      <label>
        {t('week.newTime', { zone: zoneName(currentViewer().timeZone) })}
        <input type="datetime-local" name="when" required value={when} onChange={(e) => setWhen(e.target.value)} />
      </label>
      {valid && <TheirTime at={fromLocalInput(when)} name={other.displayName} zone={other.timeZone} />}
      <label>
        {t('week.moveMessage')}
        <textarea name="message" rows={2} maxLength={500} />
      </label>
      {isMentor && (
        <label className="checkbox">
          <input type="checkbox" checked={direct} onChange={(e) => setDirect(e.target.checked)} />
          {t('week.moveDirectly', { name: other.displayName })}
        </label>
      )}
      <Buttons busy={busy} submit={isMentor && direct ? t('week.moveNow') : t('week.sendProposal')} onCancel={onCancel} />
    </FormShell>
  );
}

function ReasonForm({
  kind,
  late,
  busy,
  onCancel,
  onSubmit,
}: {
  kind: 'cancel' | 'skip';
  late: boolean;
  busy: boolean;
  onCancel(): void;
  onSubmit(reason: string): void;
}) {
  const { t } = useTranslation();
  return (
    <FormShell
      title={kind === 'skip' ? t('week.skipTitle') : t('week.cancelTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        const reason = String(new FormData(e.currentTarget).get('reason') ?? '').trim();
        if (reason) onSubmit(reason);
      }}
    >
      <label>
        {t('week.reason')}
        <textarea name="reason" rows={2} required maxLength={500} />
      </label>
      {kind === 'cancel' && <p className="muted small">{late ? t('week.lateNotice') : t('week.earlyNotice')}</p>}
      {kind === 'skip' && <p className="muted small">{t('week.skipNotice')}</p>}
      <Buttons busy={busy} submit={kind === 'skip' ? t('week.skipConfirm') : t('week.cancelConfirm')} onCancel={onCancel} />
    </FormShell>
  );
}

function ExtraForm({
  durationMinutes,
  busy,
  onCancel,
  onSubmit,
}: {
  durationMinutes: number;
  busy: boolean;
  onCancel(): void;
  onSubmit(at: string, minutes: number): void;
}) {
  const { t } = useTranslation();
  return (
    <FormShell
      title={t('week.extraTitle')}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const when = String(data.get('when') ?? '');
        if (when) onSubmit(fromLocalInput(when), Number(data.get('minutes')));
      }}
    >
      <label>
        {t('week.newTime', { zone: zoneName(currentViewer().timeZone) })}
        <input type="datetime-local" name="when" required />
      </label>
      <label>
        {t('week.duration')}
        <select name="minutes" defaultValue={String(durationMinutes)}>
          {[...new Set([30, 45, 60, 90, durationMinutes])]
            .sort((a, b) => a - b)
            .map((m) => (
              <option key={m} value={m}>
                {t('time.minutes', { count: m })}
              </option>
            ))}
        </select>
      </label>
      <Buttons busy={busy} submit={t('week.addExtraConfirm')} onCancel={onCancel} />
    </FormShell>
  );
}

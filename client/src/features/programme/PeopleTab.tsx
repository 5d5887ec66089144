import { InviteBodySchema, type PeopleQuery, type PersonRow, RoleSchema } from '@tandem/shared';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormError, fieldText, SubmitButton } from '../../app/fields';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatDate } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';
import { useAppStore } from '../../store';
import { ActionOutcome, Loaded, StatusBadge } from './parts';

/** Inviting someone: email, name and role; the invitation goes by email (or to the outbox). */
export function InviteForm({ onInvited }: { onInvited(message: string): void }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const parsed = InviteBodySchema.safeParse({
      email: fieldText(form, 'email'),
      displayName: fieldText(form, 'displayName'),
      role: fieldText(form, 'role'),
    });
    if (!parsed.success) {
      setError(t('programme.people.inviteCheck'));
      return;
    }
    setBusy(true);
    setError(null);
    const res = await api.invite(parsed.data);
    setBusy(false);
    if (!res.ok) return setError(errorText(res.error));
    formEl.reset();
    onInvited(t('programme.people.invited', { email: parsed.data.email }));
  }
  return (
    <form
      className="form form-inline"
      onSubmit={onSubmit}
      noValidate
      aria-labelledby="invite-title"
      aria-describedby={error ? 'invite-form-error' : undefined}
    >
      <h2 id="invite-title">{t('programme.people.inviteTitle')}</h2>
      <label>
        {t('programme.people.name')}
        <input name="displayName" required maxLength={80} autoComplete="off" />
      </label>
      <label>
        {t('signIn.email')}
        <input name="email" type="email" required autoComplete="off" />
      </label>
      <label>
        {t('programme.people.role')}
        <select name="role" defaultValue="student">
          {RoleSchema.options.map((r) => (
            <option key={r} value={r}>
              {t(`header.role.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <SubmitButton busy={busy} className="btn btn-primary">
        {busy ? t('programme.people.inviting') : t('programme.people.invite')}
      </SubmitButton>
      <FormError id="invite-form-error" message={error} />
    </form>
  );
}

/** People of the programme: search, filters, invite, deactivate and reactivate. */
export function PeopleTab() {
  const { t } = useTranslation();
  const me = useAppStore((s) => s.user);
  const [query, setQuery] = useState<PeopleQuery>({});
  const [load, reload] = useLoad(() => api.people(query), JSON.stringify(query));
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);

  const act = async (person: PersonRow, action: 'deactivate' | 'reactivate') => {
    if (action === 'deactivate' && !window.confirm(t('programme.people.confirmDeactivate', { name: person.displayName }))) return;
    const res = action === 'deactivate' ? await api.deactivate(person.id) : await api.reactivate(person.id);
    setOutcome(
      res.ok
        ? {
            ok: true,
            message: t(action === 'deactivate' ? 'programme.people.deactivated' : 'programme.people.reactivated', {
              name: person.displayName,
            }),
          }
        : { ok: false, message: errorText(res.error) },
    );
    reload();
  };

  return (
    <>
      <section className="card">
        <InviteForm
          onInvited={(message) => {
            setOutcome({ ok: true, message });
            reload();
          }}
        />
      </section>
      <ActionOutcome outcome={outcome} list={load} />
      <section className="card" aria-labelledby="people-title">
        <h2 id="people-title">{t('programme.tabs.people')}</h2>
        <form
          className="form form-inline filters"
          aria-label={t('programme.people.search')}
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const role = RoleSchema.safeParse(fieldText(form, 'role'));
            const status = fieldText(form, 'status');
            setQuery({
              q: fieldText(form, 'q').trim() || undefined,
              role: role.success ? role.data : undefined,
              status: status === 'active' || status === 'deactivated' ? status : undefined,
            });
          }}
        >
          <label>
            {t('programme.people.search')}
            <input name="q" type="search" maxLength={100} placeholder={t('programme.people.searchHint')} />
          </label>
          <label>
            {t('programme.people.role')}
            <select name="role" defaultValue="">
              <option value="">{t('programme.people.anyRole')}</option>
              {RoleSchema.options.map((r) => (
                <option key={r} value={r}>
                  {t(`header.role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('programme.people.status')}
            <select name="status" defaultValue="">
              <option value="">{t('programme.people.anyStatus')}</option>
              <option value="active">{t('programme.people.active')}</option>
              <option value="deactivated">{t('programme.people.deactivatedStatus')}</option>
            </select>
          </label>
          <button type="submit" className="btn">
            {t('programme.people.filter')}
          </button>
        </form>
        <Loaded load={load} reload={reload}>
          {({ people }) =>
            people.length === 0 ? (
              <p className="muted">{t('programme.people.none')}</p>
            ) : (
              <ul className="plain-list" aria-label={t('programme.people.results', { count: people.length })}>
                {people.map((p) => (
                  <li key={p.id} className="row-card person">
                    <div className="grow">
                      <strong>{p.displayName}</strong> <span className="role-badge">{t(`header.role.${p.role}`)}</span>
                      <div className="muted small">
                        {p.email} · {t('programme.people.since', { date: formatDate(p.createdAt.slice(0, 10)) })} ·{' '}
                        {t('programme.people.pairs', { count: p.activePairs })}
                      </div>
                    </div>
                    <StatusBadge
                      status={p.status}
                      label={p.status === 'active' ? t('programme.people.active') : t('programme.people.deactivatedStatus')}
                    />
                    {p.id !== me?.id &&
                      (p.status === 'active' ? (
                        <button type="button" className="btn btn-small btn-danger-text" onClick={() => void act(p, 'deactivate')}>
                          {t('programme.people.deactivate')}
                          <span className="sr-only"> {p.displayName}</span>
                        </button>
                      ) : (
                        <button type="button" className="btn btn-small" onClick={() => void act(p, 'reactivate')}>
                          {t('programme.people.reactivate')}
                          <span className="sr-only"> {p.displayName}</span>
                        </button>
                      ))}
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

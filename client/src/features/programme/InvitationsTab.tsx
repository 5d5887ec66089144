import type { InvitationRow } from '@tandem/shared';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../i18n';
import { api } from '../../lib/api';
import { formatWhen } from '../../lib/time';
import { useLoad } from '../../lib/useLoad';
import { ActionOutcome, Loaded, StatusBadge } from './parts';

/** Invitations sent: their state, re-send (a new link, the old one stops) and revoke. */
export function InvitationsTab() {
  const { t } = useTranslation();
  const [load, reload] = useLoad(() => api.invitations());
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const act = async (inv: InvitationRow, action: 'resend' | 'revoke') => {
    const res = action === 'resend' ? await api.resendInvitation(inv.id) : await api.revokeInvitation(inv.id);
    setOutcome(
      res.ok
        ? { ok: true, message: t(`programme.invitations.done.${action}`, { email: inv.email ?? '' }) }
        : { ok: false, message: errorText(res.error) },
    );
    reload();
  };
  return (
    <>
      <ActionOutcome outcome={outcome} list={load} />
      <section className="card" aria-labelledby="inv-title">
        <h2 id="inv-title">{t('programme.tabs.invitations')}</h2>
        <Loaded load={load} reload={reload}>
          {({ invitations }) =>
            invitations.length === 0 ? (
              <p className="muted">{t('programme.invitations.none')}</p>
            ) : (
              <ul className="plain-list">
                {invitations.map((inv) => (
                  <li key={inv.id} className="row-card">
                    <div className="grow">
                      <strong>{inv.displayName}</strong> <span className="role-badge">{t(`header.role.${inv.role}`)}</span>
                      <div className="muted small">
                        {inv.email} · {t('programme.invitations.by', { name: inv.invitedBy ?? '—', when: formatWhen(inv.createdAt) })}
                        {inv.state === 'pending' && <> · {t('programme.invitations.expires', { when: formatWhen(inv.expiresAt) })}</>}
                      </div>
                    </div>
                    <StatusBadge status={inv.state} label={t(`programme.invitations.state.${inv.state}`)} />
                    {(inv.state === 'pending' || inv.state === 'expired') && (
                      <div className="row actions">
                        <button type="button" className="btn btn-small" onClick={() => void act(inv, 'resend')}>
                          {t('programme.invitations.resend')}
                          <span className="sr-only"> {inv.email}</span>
                        </button>
                        <button type="button" className="btn btn-small btn-danger-text" onClick={() => void act(inv, 'revoke')}>
                          {t('programme.invitations.revoke')}
                          <span className="sr-only"> {inv.email}</span>
                        </button>
                      </div>
                    )}
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

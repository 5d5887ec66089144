import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadFailed } from '../../app/LoadFailed';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/useLoad';

// The charts and their library load only when this section is shown.
const ProgressCharts = lazy(() => import('./ProgressCharts'));

/** The mentorship's progress, drawn: loads the figures, then the charts. */
export function Progress({ mentorshipId, pairZone }: { mentorshipId: string; pairZone: string }) {
  const { t } = useTranslation();
  const [load, reload] = useLoad(() => api.progress(mentorshipId), mentorshipId);
  const loading = (
    <p className="muted" aria-busy="true">
      {t('charts.loading')}
    </p>
  );
  return (
    <section className="card progress-charts" aria-labelledby="charts-title">
      <h2 id="charts-title">{t('charts.title')}</h2>
      {load.state === 'loading' && loading}
      {load.state === 'error' && <LoadFailed message={load.message} onRetry={reload} />}
      {load.state === 'ready' && (
        <Suspense fallback={loading}>
          <ProgressCharts progress={load.data} pairZone={pairZone} />
        </Suspense>
      )}
    </section>
  );
}

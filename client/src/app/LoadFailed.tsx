import { useTranslation } from 'react-i18next';

/** A page or section that could not load: what went wrong, and "Try again". */
export function LoadFailed({ message, onRetry }: { message: string; onRetry(): void }) {
  const { t } = useTranslation();
  return (
    <div className="error" role="alert">
      {message}{' '}
      <button type="button" className="btn btn-quiet" onClick={onRetry}>
        {t('errors.tryAgain')}
      </button>
    </div>
  );
}

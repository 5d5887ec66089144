import { type ButtonHTMLAttributes, type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageOptions } from './Header';

/** The browser's own time zone, the default a person confirms. */
export const browserTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

let zones: string[] | null = null;
/** Every IANA zone this browser knows, UTC first. */
function allZones(): string[] {
  zones ??= ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
  return zones;
}

/** A time zone picker (a native select: typing a zone's first letters jumps to it). */
export function TimeZoneField({ name, defaultValue, label }: { name: string; defaultValue: string; label: string }) {
  const list = allZones();
  return (
    <label>
      {label}
      <select name={name} defaultValue={defaultValue}>
        {(list.includes(defaultValue) ? list : [defaultValue, ...list]).map((z) => (
          <option key={z} value={z}>
            {z.replaceAll('_', ' ')}
          </option>
        ))}
      </select>
    </label>
  );
}

/** English or French: for the pages and the emails. */
export function LanguageField({ name, defaultValue }: { name: string; defaultValue: string }) {
  const { t } = useTranslation();
  return (
    <label>
      {t('fields.language')}
      <select name={name} defaultValue={defaultValue}>
        <LanguageOptions />
      </select>
    </label>
  );
}

/** A password field with the rule under it, tied to it for screen readers. */
export function NewPasswordField({ name, label }: { name: string; label: string }) {
  const { t } = useTranslation();
  const hint = useId();
  return (
    <label>
      {label}
      <input name={name} type="password" autoComplete="new-password" minLength={8} required aria-describedby={hint} />
      <span id={hint} className="hint">
        {t('fields.passwordRule')}
      </span>
    </label>
  );
}

/** A form's error, announced when it appears. */
export function FormError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <p id={id} className="error" role="alert">
      {message}
    </p>
  );
}

/**
 * A button that keeps the keyboard while its action works: `aria-disabled` while busy, not
 * `disabled` (a focused button that becomes disabled drops the focus to the page's body, and it
 * never comes back), and a click meanwhile does nothing — for a submit button, neither does
 * Enter in one of its form's fields (implicit submission goes through the button's click).
 */
export function BusyButton({
  busy,
  type = 'button',
  onClick,
  ...rest
}: Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> & { busy: boolean; type?: 'button' | 'submit' }) {
  return (
    <button
      type={type}
      {...rest}
      aria-disabled={busy || rest['aria-disabled'] || undefined}
      onClick={(e) => {
        if (busy) e.preventDefault();
        else onClick?.(e);
      }}
    />
  );
}

/** A form's submit button that keeps the keyboard while the form works (see {@link BusyButton}). */
export function SubmitButton({ busy, className, children }: { busy: boolean; className: string; children: ReactNode }) {
  return (
    <BusyButton type="submit" busy={busy} className={className}>
      {children}
    </BusyButton>
  );
}

/**
 * The end of a small form: its submit button (saying it works while busy), any other buttons
 * after it, what the last submit did (announced), and what went wrong.
 */
export function FormFooter({
  busy,
  label,
  done = null,
  error,
  children,
}: {
  busy: boolean;
  label: string;
  done?: string | null;
  error: string | null;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <div className="row">
        <SubmitButton busy={busy} className="btn btn-primary btn-small">
          {busy ? t('week.working') : label}
        </SubmitButton>
        {children}
      </div>
      {done !== null && (
        <p className="success small" role="status">
          {done}
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** The text of a form field (empty when missing). */
export const fieldText = (form: FormData, name: string): string => {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
};

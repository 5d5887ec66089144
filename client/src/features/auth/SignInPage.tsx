import { SignInBodySchema } from '@tandem/shared';
import { type FormEvent, useState } from 'react';
import { navigate, pagePath } from '../../app/router';
import { api } from '../../lib/api';
import { useAppStore } from '../../store';

/** Only same-app paths are followed after sign-in (no open redirect). */
function nextPath(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') && next !== pagePath.signIn ? next : pagePath.dashboard;
}

export function SignInPage() {
  const setUser = useAppStore((s) => s.setUser);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = SignInBodySchema.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'Check your email and password.');
      return;
    }
    setBusy(true);
    setError(null);
    const res = await api.signIn(parsed.data);
    setBusy(false);
    if (!res.ok) {
      setError(res.error.message);
      return;
    }
    setUser(res.data.user);
    navigate(nextPath(), { replace: true });
  }

  return (
    <main className="center-page">
      <form className="card sign-in" onSubmit={onSubmit} noValidate aria-describedby={error ? 'sign-in-error' : undefined}>
        <h1>Tandem</h1>
        <p className="muted">Your weekly mentorship session, notes and goals in one place.</p>
        <label>
          Email
          <input name="email" type="email" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p id="sign-in-error" className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

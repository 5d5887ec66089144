import { useAppStore } from '../store';
import { navigate, pagePath } from './router';

export function Header() {
  const user = useAppStore((s) => s.user);
  const signOut = useAppStore((s) => s.signOut);
  return (
    <header className="app-header">
      <a
        className="brand"
        href={pagePath.dashboard}
        onClick={(e) => {
          e.preventDefault();
          navigate(pagePath.dashboard);
        }}
      >
        Tandem
      </a>
      {user && (
        <div className="header-user">
          <span>
            {user.displayName} <span className="role-badge">{user.role}</span>
          </span>
          <button type="button" className="btn btn-quiet" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}

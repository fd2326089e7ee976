import { useState } from 'preact/hooks';

/** Asks for the token once; it is kept in session storage, never put in the URL. */
export function Login({ onLogin, error }: { onLogin: (token: string) => void; error: string | null }) {
  const [token, setToken] = useState('');
  return (
    <form
      class="login"
      onSubmit={(e) => {
        e.preventDefault();
        onLogin(token.trim());
      }}
    >
      <h1>ogel-migrate</h1>
      <label for="token">API token</label>
      <input
        id="token"
        type="password"
        autoComplete="off"
        value={token}
        onInput={(e) => setToken((e.target as HTMLInputElement).value)}
        autoFocus
      />
      <button type="submit" disabled={!token.trim()}>
        Sign in
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p class="hint">
        The admin token (<code>OGEL_MIGRATE_TOKEN</code>) can run migrations; the read token only looks.
      </p>
    </form>
  );
}

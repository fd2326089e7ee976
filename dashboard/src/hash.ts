import { useCallback, useEffect, useState } from 'preact/hooks';

/** The environment named in the URL's hash (`#env=prod`), or null. */
function readHash(): string | null {
  return new URLSearchParams(location.hash.slice(1)).get('env');
}

/**
 * The selected environment lives in the URL's hash, so a reload, the back button or a shared link keeps it.
 * `select(env)` adds a history entry; `select(env, true)` corrects the hash in place (an unknown name).
 */
export function useHashEnv(): [string | null, (env: string, replace?: boolean) => void] {
  const [env, setEnv] = useState(readHash);
  useEffect(() => {
    const follow = () => setEnv(readHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const select = useCallback((next: string, replace = false) => {
    const hash = `#env=${encodeURIComponent(next)}`;
    if (location.hash !== hash) {
      if (replace) history.replaceState(null, '', hash);
      else history.pushState(null, '', hash);
    }
    setEnv(next);
  }, []);
  return [env, select];
}

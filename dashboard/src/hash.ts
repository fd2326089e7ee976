import { useCallback, useEffect, useState } from 'preact/hooks';

/** What the URL's hash names: an environment (`#env=prod`) or a fleet and one of its targets (`#fleet=t&target=a`). */
export interface HashView {
  env: string | null;
  fleet: string | null;
  target: string | null;
}

function readHash(): HashView {
  const params = new URLSearchParams(location.hash.slice(1));
  return { env: params.get('env'), fleet: params.get('fleet'), target: params.get('target') };
}

function hashOf(view: Partial<HashView>): string {
  const params = new URLSearchParams();
  for (const key of ['env', 'fleet', 'target'] as const) {
    const value = view[key];
    if (value) params.set(key, value);
  }
  return `#${params.toString()}`;
}

/**
 * The selection lives in the URL's hash, so a reload, the back button or a shared link keeps it.
 * `select(view)` adds a history entry; `select(view, true)` corrects the hash in place (an unknown name).
 */
export function useHashView(): [HashView, (view: Partial<HashView>, replace?: boolean) => void] {
  const [view, setView] = useState(readHash);
  useEffect(() => {
    const follow = () => setView(readHash());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const select = useCallback((next: Partial<HashView>, replace = false) => {
    const hash = hashOf(next);
    if (location.hash !== hash) {
      if (replace) history.replaceState(null, '', hash);
      else history.pushState(null, '', hash);
    }
    setView(readHash());
  }, []);
  return [view, select];
}

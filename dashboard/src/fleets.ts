import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError, type FleetOverview, type FleetSummary, type FleetsResponse } from './api.js';

/** How often a shown fleet is read again: often while a run or the first status is under way, else now and then. */
const BUSY_POLL_MS = 1_000;
const IDLE_POLL_MS = 15_000;

export const fleetQuery = (fleet: string) => `fleet=${encodeURIComponent(fleet)}`;

/**
 * The fleets this token may see (GET /fleets), or null until known. A server without fleets answers an empty
 * list, and an error (an older server) counts as none: the page then simply has no fleet entry.
 */
export function useFleetList(signedIn: boolean): { fleets: FleetSummary[] | null; reload: () => void } {
  const [fleets, setFleets] = useState<FleetSummary[] | null>(null);
  const reload = useCallback(() => {
    void api<FleetsResponse>('/fleets').then(
      (r) => setFleets(r.fleets),
      () => setFleets([]),
    );
  }, []);
  useEffect(() => {
    if (signedIn) reload();
    else setFleets(null);
  }, [signedIn, reload]);
  const any = (fleets?.length ?? 0) > 0;
  useEffect(() => {
    if (!signedIn || !any) return;
    const timer = setInterval(reload, IDLE_POLL_MS);
    return () => clearInterval(timer);
  }, [signedIn, any, reload]);
  return { fleets, reload };
}

/**
 * One fleet's overview (GET /fleet), polled: the server answers from the status it keeps, so a poll never
 * fans out to the tenants. `refresh(true)` asks for a fresh status of every target instead.
 */
export function useFleetOverview(fleet: string): {
  overview: FleetOverview | null;
  error: string | null;
  refreshing: boolean;
  refresh: (fresh?: boolean) => Promise<void>;
} {
  const [overview, setOverview] = useState<FleetOverview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  // Answers can arrive out of order (a poll overtaking a fresh read); only the newest request may set the view.
  const request = useRef(0);
  const refresh = useCallback(
    async (fresh = false) => {
      const id = ++request.current;
      if (fresh) setRefreshing(true);
      try {
        const next = await api<FleetOverview>(`/fleet?${fleetQuery(fleet)}${fresh ? '&fresh=true' : ''}`);
        if (id !== request.current) return;
        setOverview(next);
        setError(null);
      } catch (e) {
        if (id === request.current) setError(describeError(e));
      } finally {
        if (fresh) setRefreshing(false);
      }
    },
    [fleet],
  );
  const busy = error === null && (overview === null || overview.counts === null || overview.run !== null);
  useEffect(() => {
    void refresh();
    return () => {
      request.current++;
    };
  }, [refresh]);
  useEffect(() => {
    const timer = setInterval(() => void refresh(), busy ? BUSY_POLL_MS : IDLE_POLL_MS);
    return () => clearInterval(timer);
  }, [refresh, busy]);
  return { overview, error, refreshing, refresh };
}

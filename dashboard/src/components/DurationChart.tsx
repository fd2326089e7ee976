import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type HistoryEvent } from '../api.js';

/** Migration durations over time (successful applies), drawn with uPlot. */
export function DurationChart({ env, refreshKey }: { env: string; refreshKey: number }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let plot: uPlot | undefined;
    let cancelled = false;
    void api<{ events: HistoryEvent[] }>('/history?limit=500&event=apply&outcome=success', { env }).then(
      ({ events }) => {
        if (cancelled || !box.current) return;
        const points = events.filter((e) => e.durationMs !== null).reverse();
        const xs = points.map((e) => Date.parse(e.occurredAt) / 1000);
        const ys = points.map((e) => e.durationMs!);
        box.current.replaceChildren();
        if (points.length === 0) {
          box.current.textContent = 'No applied migrations yet.';
          return;
        }
        plot = new uPlot(
          {
            width: Math.min(900, box.current.clientWidth || 600),
            height: 220,
            series: [{}, { label: 'duration (ms)', stroke: '#3b82f6', points: { show: true, size: 6 } }],
            axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', label: 'ms' }],
          },
          [xs, ys],
          box.current,
        );
      },
    );
    return () => {
      cancelled = true;
      plot?.destroy();
    };
  }, [env, refreshKey]);
  return (
    <section aria-label="Migration durations">
      <h2>Durations</h2>
      <div ref={box} class="chart" role="img" aria-label="Chart of migration durations over time" />
    </section>
  );
}

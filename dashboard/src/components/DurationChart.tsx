import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type HistoryEvent, type HistoryPage } from '../api.js';

type Point = Pick<HistoryEvent, 'version' | 'name' | 'occurredAt'> & { durationMs: number };

const label = (p: Point) => `${p.version ?? '?'}_${p.name ?? '?'}`;

/** What the chart shows at a glance, in words (uPlot's own legend reads `Time: --` until hovered). */
function summaryOf(points: Point[]): string {
  if (points.length === 0) return 'No applied migrations yet.';
  const sorted = [...points].sort((a, b) => a.durationMs - b.durationMs);
  const median = sorted[Math.floor((sorted.length - 1) / 2)]!.durationMs;
  const slowest = sorted.at(-1)!;
  return `${points.length} successful apply event(s) · median ${median} ms · slowest ${label(slowest)} (${slowest.durationMs} ms)`;
}

/** Migration durations over time (successful applies), drawn with uPlot; hovering a point names it. */
export function DurationChart({ env, revision }: { env: string; revision: number }) {
  const box = useRef<HTMLDivElement>(null);
  const [points, setPoints] = useState<Point[] | null>(null);
  const [hovered, setHovered] = useState<Point | null>(null);

  useEffect(() => {
    let current = true;
    void api<HistoryPage>('/history?limit=500&event=apply&outcome=success', { env })
      .then(({ events }) => {
        if (!current) return;
        setPoints(
          events
            .filter((e): e is HistoryEvent & { durationMs: number } => e.durationMs !== null)
            .reverse()
            .map((e) => ({ version: e.version, name: e.name, occurredAt: e.occurredAt, durationMs: e.durationMs })),
        );
      })
      .catch(() => current && setPoints([]));
    return () => {
      current = false;
    };
  }, [env, revision]);

  useEffect(() => {
    const el = box.current;
    if (!el || !points || points.length === 0) return;
    const width = () => Math.max(200, Math.min(900, el.clientWidth));
    const plot = new uPlot(
      {
        width: width(),
        height: 220,
        legend: { show: false },
        series: [{}, { label: 'duration (ms)', stroke: '#3b82f6', points: { show: true, size: 6 } }],
        axes: [{ stroke: 'currentColor' }, { stroke: 'currentColor', label: 'ms' }],
        hooks: {
          setCursor: [(u) => setHovered(u.cursor.idx == null ? null : (points[u.cursor.idx] ?? null))],
        },
      },
      [points.map((p) => Date.parse(p.occurredAt) / 1000), points.map((p) => p.durationMs)],
      el,
    );
    // The chart follows its box: a phone in portrait must not get a 600 px canvas.
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
      setHovered(null);
    };
  }, [points]);

  return (
    <section aria-label="Migration durations">
      <h2>Durations</h2>
      {points && points.length > 0 && <div ref={box} class="chart" role="img" aria-label={summaryOf(points)} />}
      <p class="chart-caption" data-chart-caption>
        {!points
          ? 'Loading…'
          : hovered
            ? `${label(hovered)}: ${hovered.durationMs} ms, applied ${new Date(hovered.occurredAt).toLocaleString()}`
            : summaryOf(points)}
      </p>
    </section>
  );
}

// Loaded on demand (React.lazy) with uPlot and its stylesheet: pages without charts never fetch them.
import type { ProgressResponse } from '@tandem/shared';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatWhen } from '../../lib/time';

/** The chart colours, read from the page's theme (light or dark). */
function palette() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--muted', '#888'),
    grid: v('--border', '#444'),
    accent: v('--accent', '#4f8cff'),
    ok: '#2e9d6a',
    warn: v('--warn', '#f5b14c'),
  };
}

/**
 * One uPlot canvas sized to its box (and resized with it); the numbers behind it are in the
 * figure's table, so the canvas itself is hidden from assistive technology.
 */
function Plot({ options, data }: { options: (width: number) => uPlot.Options; data: uPlot.AlignedData }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(240, Math.floor(el.clientWidth));
    const plot = new uPlot(options(width()), data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: plot.height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [options, data]);
  return <div ref={box} className="chart-box" aria-hidden="true" />;
}

const baseAxes = (c: ReturnType<typeof palette>, weekLabel: (w: number) => string): uPlot.Axis[] => [
  {
    stroke: c.text,
    grid: { stroke: c.grid, width: 1 },
    ticks: { stroke: c.grid },
    // One tick per week, whole numbers only.
    splits: (u) => {
      const min = Math.ceil(u.scales.x?.min ?? 0);
      const max = Math.floor(u.scales.x?.max ?? 0);
      const every = Math.max(1, Math.ceil((max - min + 1) / 12));
      const out: number[] = [];
      for (let w = Math.max(min, 1); w <= max; w += every) out.push(w);
      return out;
    },
    values: (_u, splits) => splits.map((w) => weekLabel(w)),
  },
  // Counts and minutes: whole steps.
  { stroke: c.text, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid }, size: 44, incrs: [1, 2, 5, 10, 15, 20, 30, 60] },
];

/** Half a week of room on either side of the weeks drawn. */
const weekRange: uPlot.Scale.Range = (_u, min, max) => [min - 0.5, max + 0.5];

/** The mentorship's progress, drawn: goals per week, sessions and their length, how the student is doing, focus goals carried, project milestones. */
export default function ProgressCharts({ progress, pairZone }: { progress: ProgressResponse; pairZone: string }) {
  const { t } = useTranslation();
  const { weeks } = progress;
  const weekLabel = (w: number) => t('charts.weekShort', { week: w });
  const [c] = useState(palette);
  const xs = weeks.map((w, i) => (i > 0 && w.week <= (weeks[i - 1]?.week ?? 0) ? (weeks[i - 1]?.week ?? 0) + 0.5 : w.week));

  // Built once per answer: a new options object would rebuild the canvases on every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the charts depend on the answer and the language only
  const { goals, sessions, doing } = useMemo(() => charts(), [progress, t]);
  function charts() {
    const goals: [(width: number) => uPlot.Options, uPlot.AlignedData] = [
      (width) => ({
        width,
        height: 200,
        scales: { x: { time: false, range: weekRange }, y: { range: (_u, _min, max) => [0, Math.max(2, max + 1)] } },
        axes: baseAxes(c, weekLabel),
        cursor: { show: false },
        legend: { show: false },
        series: [
          {},
          { label: t('charts.open'), stroke: c.warn, width: 2, points: { show: true, size: 6 } },
          { label: t('charts.done'), stroke: c.ok, width: 2, points: { show: true, size: 6 } },
        ],
      }),
      [xs, weeks.map((w) => w.goalsOpen), weeks.map((w) => w.goalsDone)],
    ];
    const sessions: [(width: number) => uPlot.Options, uPlot.AlignedData] = [
      (width) => ({
        width,
        height: 180,
        scales: {
          x: { time: false, range: weekRange },
          y: { range: (_u, _min, max) => [0, Math.max(60, max + 10)] },
        },
        axes: baseAxes(c, weekLabel),
        cursor: { show: false },
        legend: { show: false },
        series: [
          {},
          {
            label: t('charts.minutes'),
            stroke: c.accent,
            fill: c.accent,
            paths: uPlot.paths.bars?.({ size: [0.6, 48] }),
            points: { show: false },
          },
          // A session that did not take place is a mark on the floor, in the warning colour.
          { label: t('charts.missed'), stroke: c.warn, paths: () => null, points: { show: true, size: 10, fill: c.warn } },
        ],
      }),
      [xs, weeks.map((w) => (w.outcome === 'held' ? (w.minutes ?? 0) : null)), weeks.map((w) => (w.outcome === 'held' ? null : 0))],
    ];
    const levels = { at_risk: 1, behind: 2, on_track: 3 } as const;
    const doing: [(width: number) => uPlot.Options, uPlot.AlignedData] = [
      (width) => ({
        width,
        height: 160,
        scales: { x: { time: false, range: weekRange }, y: { range: [0.5, 3.5] } },
        axes: [
          baseAxes(c, weekLabel)[0] ?? {},
          {
            stroke: c.text,
            grid: { stroke: c.grid, width: 1 },
            size: 90,
            splits: () => [1, 2, 3],
            values: (_u, splits) =>
              splits.map((s) =>
                s === 1 ? t('after.progress.at_risk') : s === 2 ? t('after.progress.behind') : t('after.progress.on_track'),
              ),
          },
        ],
        cursor: { show: false },
        legend: { show: false },
        series: [{}, { label: t('charts.doing'), stroke: c.accent, width: 2, spanGaps: true, points: { show: true, size: 8 } }],
      }),
      [xs, weeks.map((w) => (w.progress ? levels[w.progress] : null))],
    ];
    return { goals, sessions, doing };
  }
  const reports = weeks.filter((w) => w.progress).length;
  const maxCarried = Math.max(1, ...progress.focusGoals.map((g) => g.weeksCarried));

  if (weeks.length === 0 && progress.milestones.length === 0) return <p className="muted">{t('charts.none')}</p>;
  return (
    <div className="charts">
      {weeks.length > 0 && (
        <figure className="chart">
          <figcaption>
            <strong>{t('charts.goalsTitle')}</strong>{' '}
            <span className="legend">
              <span className="key key-warn" aria-hidden="true" /> {t('charts.open')} <span className="key key-ok" aria-hidden="true" />{' '}
              {t('charts.done')}
            </span>
          </figcaption>
          <Plot options={goals[0]} data={goals[1]} />
          <DataTable
            caption={t('charts.goalsTitle')}
            head={[t('charts.week'), t('charts.open'), t('charts.done')]}
            rows={weeks.map((w) => [weekLabel(w.week), String(w.goalsOpen), String(w.goalsDone)])}
          />
        </figure>
      )}
      {weeks.length > 0 && (
        <figure className="chart">
          <figcaption>
            <strong>{t('charts.sessionsTitle')}</strong>{' '}
            <span className="muted small">
              {t('charts.attendance', { held: weeks.filter((w) => w.outcome === 'held').length, total: weeks.length })}
            </span>
          </figcaption>
          <Plot options={sessions[0]} data={sessions[1]} />
          <DataTable
            caption={t('charts.sessionsTitle')}
            head={[t('charts.week'), t('charts.when'), t('charts.outcome'), t('charts.minutes')]}
            rows={weeks.map((w) => [
              weekLabel(w.week),
              formatWhen(w.at, pairZone),
              t(`charts.outcomes.${w.outcome}`, { defaultValue: w.outcome }),
              w.minutes === null ? '—' : String(Math.round(w.minutes)),
            ])}
          />
        </figure>
      )}
      {reports > 0 && (
        <figure className="chart">
          <figcaption>
            <strong>{t('charts.doingTitle')}</strong> <span className="muted small">{t('charts.doingLead')}</span>
          </figcaption>
          <Plot options={doing[0]} data={doing[1]} />
          <DataTable
            caption={t('charts.doingTitle')}
            head={[t('charts.week'), t('charts.doing')]}
            rows={weeks.filter((w) => w.progress).map((w) => [weekLabel(w.week), w.progress ? t(`after.progress.${w.progress}`) : ''])}
          />
        </figure>
      )}
      {progress.focusGoals.length > 0 && (
        <figure className="chart">
          <figcaption>
            <strong>{t('charts.focusTitle')}</strong>
          </figcaption>
          <ul className="hbars">
            {progress.focusGoals.map((g) => (
              <li key={g.title}>
                <span className="hbar-label">{g.title}</span>
                <span className="hbar-track" aria-hidden="true">
                  <span className={`hbar hbar-${g.status}`} style={{ width: `${(100 * Math.max(g.weeksCarried, 0.15)) / maxCarried}%` }} />
                </span>
                <span className="hbar-value">{t('timeline.carried', { count: g.weeksCarried })}</span>
              </li>
            ))}
          </ul>
        </figure>
      )}
      {progress.milestones.length > 0 && (
        <figure className="chart">
          <figcaption>
            <strong>{t('charts.milestonesTitle')}</strong>
          </figcaption>
          <ol className="milestones">
            {progress.milestones.map((m) => (
              <li key={`${m.at}-${m.kind}-${m.project}`} className={`milestone milestone-${m.kind}`}>
                <span className="milestone-dot" aria-hidden="true" />
                <span>
                  <strong>{m.project}</strong> · {t(`charts.milestone.${m.kind}`, { version: m.version })}
                </span>
                <span className="muted small">{formatWhen(m.at, pairZone)}</span>
              </li>
            ))}
          </ol>
        </figure>
      )}
    </div>
  );
}

/** The numbers behind a chart, for screen readers and anyone who would rather read them. */
function DataTable({ caption, head, rows }: { caption: string; head: string[]; rows: string[][] }) {
  const { t } = useTranslation();
  return (
    <details className="chart-data">
      <summary>{t('charts.showTable')}</summary>
      <div className="table-scroll">
        <table>
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {head.map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.join('|')}>
                {r.map((cell, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
                  <td key={i}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

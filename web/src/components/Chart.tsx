// A time-series chart (uPlot: small, fast on thousands of points, canvas-drawn).

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

interface Props {
  title: string;
  unit: string;
  x: number[]; // ms since the epoch
  y: number[];
  bars?: boolean;
  /** The time range shown (ms), when not the data's own. */
  range?: [number, number];
  testId: string;
}

export function Chart({ title, unit, x, y, bars, range, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current || x.length === 0) return;
    const width = Math.max(280, Math.min(host.current.clientWidth || 480, 1000));
    const plot = new uPlot(
      {
        title,
        width,
        height: 220,
        scales: { x: range ? { time: true, range: () => [range[0] / 1000, range[1] / 1000] } : { time: true } },
        axes: [{}, { label: unit, size: 60 }],
        series: [
          {},
          {
            label: unit,
            stroke: '#1f6feb',
            fill: bars ? 'rgba(31,111,235,0.35)' : 'rgba(31,111,235,0.08)',
            width: 2,
            paths: bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined,
            points: { show: x.length < 60 },
          },
        ],
      },
      [x.map((ms) => ms / 1000), y],
      host.current,
    );
    return () => plot.destroy();
  }, [title, unit, x, y, bars, range?.[0], range?.[1]]);
  return (
    <figure class="chart" data-testid={testId} data-points={x.length}>
      {x.length === 0 ? <figcaption><strong>{title}</strong>: no data yet.</figcaption> : <div ref={host} />}
    </figure>
  );
}

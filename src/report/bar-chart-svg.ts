import { formatBytes } from './format-report-text.ts';

export interface BarGroup {
  /** Label under the group (the run's number). */
  label: string;
  /** Tooltip of the group (the run's id and time). */
  title: string;
  /** Bytes a full run would have moved. */
  full: number;
  /** Bytes the run moved. */
  moved: number;
}

export const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const HEIGHT = 260;
const TOP = 16;
const BOTTOM = 40;
const LEFT = 76;
/** Width of one run's group: wide while there are few runs, at least 44 px when there are many (the page scrolls). */
const groupWidth = (runs: number): number => Math.max(44, Math.min(120, Math.floor(960 / Math.max(1, runs))));

/**
 * A tidy axis maximum: 1, 2, 4, 5 or 8 times a power of ten at or above the largest value, in the binary unit the
 * axis labels use (B, KiB, MiB, …), so that the four grid steps read as round numbers of that unit.
 */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const unit = 1024 ** Math.max(0, Math.floor(Math.log(value) / Math.log(1024)));
  const scaled = value / unit;
  const power = 10 ** Math.floor(Math.log10(scaled));
  for (const step of [1, 2, 4, 5, 8, 10]) if (step * power >= scaled) return step * power * unit;
  return 10 * power * unit;
}

/**
 * Bytes per run as an inline SVG: one group per run (`<g class="bar-group">`), a bar for what a full run would have
 * moved and one for what the run moved, on one byte axis. Colours come from CSS classes, so the page's light and
 * dark schemes apply; every number is also in each bar's `<title>` and in the table beside the chart.
 */
export function barChartSvg(groups: readonly BarGroup[]): string {
  const max = niceMax(Math.max(0, ...groups.flatMap((g) => [g.full, g.moved])));
  const plot = HEIGHT - TOP - BOTTOM;
  const GROUP = groupWidth(groups.length);
  const BAR = Math.min(28, Math.floor((GROUP - 12) / 2));
  const width = LEFT + Math.max(1, groups.length) * GROUP + 16;
  const y = (value: number) => TOP + plot - (Math.max(0, value) / max) * plot;
  const parts: string[] = [];
  parts.push(
    `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">Bytes per run: incremental against a full run</title>`,
  );
  for (let i = 0; i <= 4; i += 1) {
    const value = (max * i) / 4;
    const at = y(value).toFixed(1);
    parts.push(`<line class="grid" x1="${LEFT}" x2="${width - 8}" y1="${at}" y2="${at}"/>`);
    parts.push(`<text class="axis" x="${LEFT - 6}" y="${at}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatBytes(Math.round(value)))}</text>`);
  }
  groups.forEach((g, i) => {
    const x = LEFT + i * GROUP + (GROUP - 2 * BAR - 2) / 2;
    const bar = (cls: string, value: number, dx: number, what: string) => {
      const top = y(value);
      const h = Math.max(value > 0 ? 1 : 0, TOP + plot - top);
      return `<rect class="${cls}" x="${x + dx}" y="${(TOP + plot - h).toFixed(1)}" width="${BAR}" height="${h.toFixed(1)}"><title>${escapeXml(`${g.title}: ${what} ${formatBytes(value)}`)}</title></rect>`;
    };
    parts.push(
      `<g class="bar-group" data-run="${escapeXml(g.title)}">`,
      bar('bar-full', g.full, 0, 'a full run would move'),
      bar('bar-moved', g.moved, BAR + 2, 'this run moved'),
      `<text class="axis" x="${x + BAR + 1}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">${escapeXml(g.label)}</text>`,
      `</g>`,
    );
  });
  parts.push(`<line class="baseline" x1="${LEFT}" x2="${width - 8}" y1="${TOP + plot}" y2="${TOP + plot}"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}

// Horizontal bar charts drawn as SVG by hand: a few dozen bars need no charting library
// (the smallest well-kept ones add tens of KB and inline styles the console's CSP
// refuses). Readable without colour: every bar carries its value as text, and the bars
// of a stacked chart differ by pattern (solid, hatched, dotted…) with a legend.
const SVG = 'http://www.w3.org/2000/svg';
const ROW = 26;
const LABEL_WIDTH = 150;
const BAR_WIDTH = 320;
const VALUE_WIDTH = 210;
export const PATTERNS = ['solid', 'hatch', 'dots', 'cross', 'vertical'];

function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function patternDefs(prefix) {
  const defs = svg('defs');
  const make = (id, ...children) => {
    const pattern = svg('pattern', { id: `${prefix}-${id}`, width: 6, height: 6, patternUnits: 'userSpaceOnUse' });
    pattern.append(svg('rect', { width: 6, height: 6, class: 'pattern-bg' }), ...children);
    defs.append(pattern);
  };
  make('hatch', svg('path', { d: 'M0,6 L6,0', class: 'pattern-ink' }));
  make('dots', svg('circle', { cx: 3, cy: 3, r: 1.2, class: 'pattern-fill' }));
  make('cross', svg('path', { d: 'M0,0 L6,6 M6,0 L0,6', class: 'pattern-ink' }));
  make('vertical', svg('path', { d: 'M3,0 L3,6', class: 'pattern-ink' }));
  return defs;
}

let chartCount = 0;

/**
 * @param {{title: string, rows: {label: string, segments: {value: number, name?: string}[], text: string}[], legend?: string[]}} chart
 *   each row's segments stack left to right (one segment: a plain bar); `text` is printed after the bar
 * @returns {SVGSVGElement}
 */
export function barChart({ title, rows, legend = [] }) {
  const prefix = `chart${chartCount += 1}`;
  const legendHeight = legend.length > 1 ? ROW : 0;
  const height = rows.length * ROW + legendHeight + 8;
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': title, class: 'chart' });
  root.append(svg('title', {}, title), patternDefs(prefix));
  const max = Math.max(1e-9, ...rows.map((r) => r.segments.reduce((sum, s) => sum + s.value, 0)));
  const fillOf = (i) => (PATTERNS[i % PATTERNS.length] === 'solid' ? null : `url(#${prefix}-${PATTERNS[i % PATTERNS.length]})`);
  rows.forEach((row, r) => {
    const y = r * ROW + 4;
    root.append(svg('text', { x: LABEL_WIDTH - 6, y: y + ROW / 2 + 4, 'text-anchor': 'end', class: 'chart-label' }, row.label));
    let x = LABEL_WIDTH;
    row.segments.forEach((segment, i) => {
      const w = (segment.value / max) * BAR_WIDTH;
      if (w <= 0) return;
      const fill = fillOf(i);
      const attrs = { x, y: y + 3, width: w, height: ROW - 8, class: fill ? 'bar' : 'bar bar-solid' };
      if (fill) attrs.fill = fill;
      const rect = svg('rect', attrs);
      rect.append(svg('title', {}, `${row.label} · ${segment.name ?? ''} ${segment.value}`.trim()));
      root.append(rect);
      x += w;
    });
    root.append(svg('text', { x: x + 6, y: y + ROW / 2 + 4, class: 'chart-value' }, row.text));
  });
  if (legendHeight) {
    const y = rows.length * ROW + 8;
    let x = LABEL_WIDTH;
    legend.forEach((name, i) => {
      const fill = fillOf(i);
      const attrs = { x, y, width: 14, height: 14, class: fill ? 'bar' : 'bar bar-solid' };
      if (fill) attrs.fill = fill;
      root.append(svg('rect', attrs), svg('text', { x: x + 18, y: y + 12, class: 'chart-label' }, name));
      // Roughly the text's width at 12px: wide CJK characters, narrower Latin ones.
      x += 28 + [...name].reduce((w, ch) => w + (ch.codePointAt(0) > 0x2e80 ? 12 : 7), 0);
    });
  }
  return root;
}

/** A small trend line of daily counts (a sparkline), labelled with its first and last value. */
export function sparkline(values, label) {
  const width = 120;
  const height = 24;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label, class: 'sparkline' });
  root.append(svg('title', {}, label), svg('polyline', { points, class: 'trend' }));
  return root;
}

// The timeline: incidents (bars) and fatalities (line) per month for every filter but the dates, so the months
// outside the chosen dates stay in view, faint. One range control with two handles sets the dates (arrow keys
// move a handle a month, Page Up/Down a year, Home/End to the ends), as does dragging over the chart; Play
// steps a window of one month or one week through the chosen dates.
'use strict';

(function () {
  const B = window.borderline;
  const { $, state, svgNode } = B;
  const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const PAD = { left: 38, right: 38, top: 10, bottom: 16 };
  const STEP_MS = 1000;
  let months = []; // 'YYYY-MM' for every month the data spans
  let series = [];

  const monthName = (m) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(0, 4)}`;
  const dayName = (d) => `${Number(d.slice(8, 10))} ${MONTHS[Number(d.slice(5, 7)) - 1].slice(0, 3)} ${d.slice(0, 4)}`;
  const indexOf = (m, fallback) => { if (!m) return fallback; const i = months.indexOf(m.slice(0, 7)); return i < 0 ? fallback : i; };
  const lo = () => indexOf(state.from, 0);
  const hi = () => indexOf(state.to, months.length - 1);
  // 1, 2 or 5 times a power of ten, at least v: the top of an axis.
  const niceTop = (v) => { const p = 10 ** Math.floor(Math.log10(Math.max(1, v))); return [1, 2, 5, 10].map((k) => k * p).find((t) => t >= v); };
  const short = (n) => (n >= 10000 ? `${Math.round(n / 1000)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n));

  // --- the dates chosen ---
  function setRange(a, b) {
    stop();
    const from = Math.max(0, Math.min(a, b)), to = Math.min(months.length - 1, Math.max(a, b));
    state.from = from > 0 ? months[from] : null;
    state.to = to < months.length - 1 ? months[to] : null;
    sync();
    B.changed();
  }
  function sync() {
    const a = lo(), b = hi();
    $('from-label').textContent = state.from && state.from.length > 7 ? dayName(state.from) : months[a] || '';
    $('to-label').textContent = state.to && state.to.length > 7 ? dayName(state.to) : months[b] || '';
    const plot = $('chart').clientWidth - PAD.left - PAD.right;
    const step = plot / Math.max(1, months.length);
    const x = (i) => PAD.left + (i + 0.5) * step;
    for (const [id, i, label] of [['thumb-from', a, 'From'], ['thumb-to', b, 'To']]) {
      const t = $(id);
      t.style.left = `${x(i)}px`;
      t.setAttribute('aria-valuemin', '0');
      t.setAttribute('aria-valuemax', String(Math.max(0, months.length - 1)));
      t.setAttribute('aria-valuenow', String(i));
      t.setAttribute('aria-valuetext', months[i] ? `${label} ${monthName(months[i])}` : label);
    }
    const fill = $('range-fill');
    fill.style.left = `${x(a)}px`;
    fill.style.width = `${Math.max(0, x(b) - x(a))}px`;
    $('range-all').disabled = !state.from && !state.to;
  }

  // --- the chart ---
  async function load() {
    const p = B.filterParams();
    p.delete('datetime');
    const stats = state.types.size === 0 ? { by_month: [] } : await B.getJSON('api/stats?' + p.toString());
    const byMonth = Object.fromEntries(stats.by_month.map((m) => [m.month, m]));
    series = months.map((m) => byMonth[m] || { month: m, incidents: 0, fatalities: 0 });
    draw();
    document.body.dataset.timeline = '1';
  }
  function draw() {
    const svg = $('chart');
    const w = svg.clientWidth || 800, h = svg.clientHeight || 90;
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    if (series.length) {
      const base = h - PAD.bottom, height = base - PAD.top;
      const topN = niceTop(Math.max(...series.map((s) => s.incidents)));
      const topF = niceTop(Math.max(...series.map((s) => s.fatalities)));
      const step = (w - PAD.left - PAD.right) / series.length;
      const a = lo(), b = hi();
      // Axes: incidents on the left, fatalities on the right, each with its zero, middle and top.
      for (const f of [0, 0.5, 1]) {
        const y = base - f * height;
        svg.append(svgNode('line', { x1: PAD.left, x2: w - PAD.right, y1: y, y2: y, class: f ? 'grid' : 'grid zero' }));
        svg.append(svgNode('text', { x: PAD.left - 4, y: y + 3, class: 'axis n', 'text-anchor': 'end' }, short(Math.round(f * topN))));
        svg.append(svgNode('text', { x: w - PAD.right + 4, y: y + 3, class: 'axis f' }, short(Math.round(f * topF))));
      }
      series.forEach((s, i) => {
        const bh = height * s.incidents / topN;
        const bar = svgNode('rect', { x: PAD.left + i * step, y: base - bh, width: Math.max(1, step - 1), height: bh, class: i >= a && i <= b ? 'bar on' : 'bar' });
        bar.append(svgNode('title', {}, `${monthName(s.month)}: ${s.incidents.toLocaleString('en')} incidents, ${s.fatalities.toLocaleString('en')} fatalities`));
        svg.append(bar);
      });
      // Years along the bottom, as many as fit.
      const every = Math.max(1, Math.ceil(34 / (step * 12)));
      series.forEach((s, i) => {
        const year = Number(s.month.slice(0, 4));
        if (s.month.endsWith('-01') && year % every === 0) svg.append(svgNode('text', { x: PAD.left + i * step, y: h - 3, class: 'axis' }, String(year)));
      });
      const points = series.map((s, i) => `${PAD.left + (i + 0.5) * step},${base - height * s.fatalities / topF}`).join(' ');
      svg.append(svgNode('polyline', { points, class: 'deaths' }));
    }
    sync();
  }

  // --- choosing dates: the handles, and dragging over the chart ---
  function handle(id, which) {
    const t = $(id);
    const move = (i) => {
      const n = months.length - 1;
      i = Math.max(0, Math.min(n, i));
      if (which === 'from') setRange(Math.min(i, hi()), hi()); else setRange(lo(), Math.max(i, lo()));
    };
    const now = () => (which === 'from' ? lo() : hi());
    t.addEventListener('keydown', (e) => {
      const keys = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -12, PageUp: 12 };
      if (e.key in keys) move(now() + keys[e.key]);
      else if (e.key === 'Home') move(0);
      else if (e.key === 'End') move(months.length - 1);
      else return;
      e.preventDefault();
    });
    t.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      t.focus();
      t.setPointerCapture(e.pointerId);
      const drag = (ev) => move(indexAt(ev.clientX));
      t.addEventListener('pointermove', drag);
      t.addEventListener('pointerup', () => t.removeEventListener('pointermove', drag), { once: true });
    });
  }
  function indexAt(clientX) {
    const box = $('chart').getBoundingClientRect();
    const step = (box.width - PAD.left - PAD.right) / Math.max(1, months.length);
    return Math.max(0, Math.min(months.length - 1, Math.floor((clientX - box.left - PAD.left) / step)));
  }
  (function brush() {
    const svg = $('chart');
    let start = null, rect = null;
    svg.addEventListener('pointerdown', (e) => { start = indexAt(e.clientX); svg.setPointerCapture(e.pointerId); });
    svg.addEventListener('pointermove', (e) => {
      if (start === null) return;
      const box = svg.getBoundingClientRect();
      const step = (box.width - PAD.left - PAD.right) / Math.max(1, months.length);
      const edge = PAD.left + start * step;
      const x = e.clientX - box.left;
      if (!rect) { rect = svgNode('rect', { class: 'brush', y: 0 }); svg.append(rect); }
      rect.setAttribute('x', Math.min(x, edge)); rect.setAttribute('width', Math.max(1, Math.abs(x - edge))); rect.setAttribute('height', box.height);
    });
    svg.addEventListener('pointerup', (e) => {
      if (start === null) return;
      const end = indexAt(e.clientX);
      if (end === start) setRange(0, months.length - 1); else setRange(start, end);
      start = null; rect = null;
    });
  })();

  // --- Play: a window of one month or one week, stepped through the chosen dates ---
  let playing = null; // { frames, next, timer }
  const iso = (d) => d.toISOString().slice(0, 10);
  function frames(step) {
    const a = lo(), b = hi();
    if (step === 'month') return months.slice(a, b + 1).map((m) => [m, m]);
    const out = [];
    const end = new Date(Date.UTC(Number(months[b].slice(0, 4)), Number(months[b].slice(5, 7)), 0));
    for (let d = new Date(`${months[a]}-01T00:00:00Z`); d <= end; d = new Date(d.getTime() + 7 * 86400000)) {
      const last = new Date(Math.min(d.getTime() + 6 * 86400000, end.getTime()));
      out.push([iso(d), iso(last)]);
    }
    return out;
  }
  function button(running) {
    $('play').setAttribute('aria-pressed', String(running));
    $('play').textContent = running ? 'Pause' : 'Play';
  }
  // Stops playing for good (the dates were chosen another way).
  function stop() {
    if (!playing) return;
    clearTimeout(playing.timer);
    playing = null;
    button(false);
  }
  function tick() {
    if (playing.next >= playing.frames.length) { playing = null; button(false); return; }
    [state.from, state.to] = playing.frames[playing.next++];
    sync();
    B.changed();
    playing.timer = setTimeout(tick, STEP_MS);
  }
  $('play').addEventListener('click', () => {
    if (!months.length) return;
    if (playing && playing.timer) { clearTimeout(playing.timer); playing.timer = 0; button(false); return; } // pause
    if (!playing) playing = { frames: frames($('play-step').value), next: 0, timer: 0 };
    button(true);
    tick();
  });
  $('range-all').addEventListener('click', () => setRange(0, months.length - 1));

  async function start() {
    const all = await B.getJSON('api/stats');
    const known = all.by_month.map((m) => m.month);
    if (known.length) {
      const [y0, m0] = known[0].split('-').map(Number), [y1, m1] = known[known.length - 1].split('-').map(Number);
      for (let y = y0, m = m0; y < y1 || (y === y1 && m <= m1); m === 12 ? (y++, m = 1) : m++) months.push(`${y}-${String(m).padStart(2, '0')}`);
    }
    handle('thumb-from', 'from');
    handle('thumb-to', 'to');
    document.addEventListener('borderline:filters', () => { sync(); load().catch(B.showError); });
    // Drawn to the chart's size in pixels, again whenever that changes (a window resized, a phone turned).
    new ResizeObserver(() => draw()).observe($('chart'));
    await load();
  }
  start().catch(B.showError);
})();

// The border profile: the incidents of one border's corridor placed along the line, kilometres from its western
// end (across) by date (up), coloured by the side of the line, with the corridor's places marked, a histogram
// of the stretches below, and the stretches the surge rule flags highlighted. A click on a stretch (or the arrow
// keys and Enter) zooms the map to it. Served by /api/border-profile.
'use strict';

(function () {
  const B = window.borderline;
  const { $, el, state, svgNode } = B;
  // The pair's first country (left of the line) and its second: Okabe–Ito blue and vermillion.
  const SIDES = ['#0072B2', '#D55E00'];
  const PAD = { left: 56, right: 14, top: 18, bottom: 16 };
  const HISTOGRAM = 46; // px under the dots
  const DOTS_AT_MOST = 5000;
  let data = null, selected = null, names = {};

  const name = (iso3) => names[iso3] || iso3;
  const day = (d) => Date.parse(d + 'T00:00:00Z') / 86400000;

  function params() {
    const p = new URLSearchParams({ border: $('profile-border').value, source: $('profile-source').value, km: String(state.km), limit: String(DOTS_AT_MOST) });
    const f = B.filterParams();
    for (const k of ['datetime', 'event_type', 'actor']) if (f.has(k)) p.set(k, f.get(k));
    return p;
  }
  async function load() {
    if ($('profile-view').hidden || !$('profile-border').value) return;
    $('profile-status').textContent = 'Loading…';
    data = await B.getJSON('api/border-profile?' + params().toString());
    const [left, right] = data.border.split('-');
    selected = data.stretches.findIndex((s) => s.surge);
    if (selected < 0) selected = null;
    $('profile-key').replaceChildren(
      el('span', { class: 'dot', style: { background: SIDES[0] } }), ` ${name(left)} side `,
      el('span', { class: 'dot', style: { background: SIDES[1] } }), ` ${name(right)} side of the ${data.source === 'osm' ? 'OpenStreetMap' : 'Natural Earth'} line · `,
      el('span', { class: 'surge-key', title: data.surge_rule }), ' surge (last 4 weeks at least twice the 4-week average)');
    draw();
    say();
    document.body.dataset.profile = '1';
  }
  function stretchText(s) {
    const [left, right] = data.border.split('-');
    const sides = [left, right].filter((c) => s.by_side[c]).map((c) => `${name(c)} ${s.by_side[c]}`).join(', ');
    return `km ${Math.round(s.from_km)}–${Math.round(s.to_km)} from the western end: ${s.incidents.toLocaleString('en')} incidents` +
      (sides ? ` (${sides})` : '') + `, ${s.fatalities.toLocaleString('en')} fatalities; last 4 weeks ${s.recent} against ${s.baseline.toFixed(1)} on average` +
      (s.surge ? ' — a surge' : '');
  }
  function say() {
    const chart = $('profile-chart');
    if (!data) return;
    const total = `${data.numberMatched.toLocaleString('en')} incidents within ${data.km} km of the ${data.name} line (${Math.round(data.length_km).toLocaleString('en')} km)`;
    const s = selected === null ? null : data.stretches[selected];
    $('profile-status').textContent = s ? `${stretchText(s)}. Enter zooms the map to it.` : `${total}. Choose a stretch to zoom the map to it.`;
    chart.setAttribute('aria-valuemin', '0');
    chart.setAttribute('aria-valuemax', String(data.stretches.length - 1));
    chart.setAttribute('aria-valuenow', String(selected ?? 0));
    chart.setAttribute('aria-valuetext', s ? stretchText(s) : total);
  }
  function zoomTo(k) {
    const [w, s, e, n] = data.stretches[k].bbox;
    if (Number.isFinite(w)) B.map.fitBounds([[s, w], [n, e]], { padding: [40, 40], maxZoom: 11 });
  }

  function draw() {
    const svg = $('profile-chart');
    const w = svg.clientWidth || 800, h = svg.clientHeight || 200;
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    if (!data) return;
    const [left] = data.border.split('-');
    const colour = (iso3) => (iso3 === left ? SIDES[0] : SIDES[1]);
    const plotW = w - PAD.left - PAD.right;
    const x = (km) => PAD.left + plotW * km / Math.max(1, data.length_km);
    const dotsBottom = h - PAD.bottom - HISTOGRAM - 6;
    // Time runs up the chart over the dates asked for, or those the corridor's incidents span.
    const dates = data.cells.map((c) => c.month).sort();
    const t0 = (dates.length ? day(dates[0] + '-01') : 0) - 15;
    const t1 = (data.as_of ? day(data.as_of) + 1 : t0 + 1) + 15;
    const y = (d) => dotsBottom - (dotsBottom - PAD.top) * (day(d) - t0) / Math.max(1, t1 - t0);
    const stretchW = plotW * data.stretch_km / Math.max(1, data.length_km);

    // Surges: the stretch's column, highlighted.
    data.stretches.forEach((s, k) => {
      if (s.surge) svg.append(svgNode('rect', { x: x(s.from_km), y: PAD.top, width: Math.max(2, x(s.to_km) - x(s.from_km)), height: h - PAD.bottom - PAD.top, class: 'surge' }));
    });
    // Dates up the side: years, or months over a short span.
    const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    const span = (t1 - t0) / 365.25;
    const first = new Date(t0 * 86400000), months = span > 3 ? 12 : span > 1.5 ? 3 : 1;
    let lastY = Infinity;
    for (let m = first.getUTCFullYear() * 12 + first.getUTCMonth(); ; m += 1) {
      if (m % months) continue;
      const year = Math.floor(m / 12), label = months === 12 ? String(year) : `${MON[m % 12]} ${year}`;
      const ty = y(`${year}-${String(m % 12 + 1).padStart(2, '0')}-01`);
      if (ty < PAD.top - 1) break;
      if (ty > dotsBottom + 1 || lastY - ty < 12) continue;
      lastY = ty;
      svg.append(svgNode('line', { x1: PAD.left, x2: w - PAD.right, y1: ty, y2: ty, class: 'grid' }));
      svg.append(svgNode('text', { x: PAD.left - 4, y: ty + 3, class: 'axis', 'text-anchor': 'end' }, label));
    }
    // Places: a dashed line down the chart and the name on top, where it fits.
    let lastLabel = -Infinity;
    for (const p of data.places) {
      const px = x(p.along_km);
      svg.append(svgNode('line', { x1: px, x2: px, y1: PAD.top, y2: h - PAD.bottom, class: 'place' }));
      const width = p.name.length * 6.2;
      if (px - width / 2 > lastLabel + 4) {
        svg.append(svgNode('text', { x: px, y: PAD.top - 5, class: 'axis place-name', 'text-anchor': 'middle' }, p.name));
        lastLabel = px + width / 2;
      }
    }
    // The incidents: a dot each, or when they are many, a cell per stretch and month coloured by the side most
    // of them are on, darker the more there are.
    if (data.numberReturned === data.numberMatched) {
      for (const i of data.incidents) {
        const dot = svgNode('circle', { cx: x(i.along_km), cy: y(i.event_date), r: 3, fill: colour(i.side_of_line), class: 'incident' });
        dot.append(svgNode('title', {}, `${i.event_id_cnty}, ${i.event_date}: km ${i.along_km.toFixed(1)}, ${i.distance_km.toFixed(2)} km from the line on the ${name(i.side_of_line)} side`));
        svg.append(dot);
      }
    } else {
      const most = Math.max(1, ...data.cells.map((c) => Object.values(c.by_side).reduce((a, b) => a + b, 0)));
      for (const c of data.cells) {
        const s = data.stretches[c.stretch];
        const n = Object.values(c.by_side).reduce((a, b) => a + b, 0);
        const side = Object.entries(c.by_side).sort((a, b) => b[1] - a[1])[0][0];
        const top = y(c.month + '-01'), next = new Date(Date.UTC(Number(c.month.slice(0, 4)), Number(c.month.slice(5, 7)), 1)).toISOString().slice(0, 10);
        svg.append(svgNode('rect', {
          x: x(s.from_km), y: Math.min(y(next), top), width: Math.max(1, stretchW - 0.5), height: Math.max(1, Math.abs(top - y(next))),
          fill: colour(side), 'fill-opacity': 0.2 + 0.8 * Math.log1p(n) / Math.log1p(most),
        }));
      }
    }
    // The histogram: incidents per stretch, stacked by side.
    const base = h - PAD.bottom;
    const most = Math.max(1, ...data.stretches.map((s) => s.incidents));
    svg.append(svgNode('text', { x: PAD.left - 4, y: base - HISTOGRAM + 8, class: 'axis', 'text-anchor': 'end' }, most.toLocaleString('en')));
    svg.append(svgNode('text', { x: PAD.left - 4, y: base, class: 'axis', 'text-anchor': 'end' }, '0'));
    data.stretches.forEach((s, k) => {
      let top = base;
      for (const [iso3, n] of Object.entries(s.by_side).sort((a, b) => (a[0] === left ? -1 : b[0] === left ? 1 : 0))) {
        const bh = HISTOGRAM * n / most;
        top -= bh;
        svg.append(svgNode('rect', { x: x(s.from_km) + 0.5, y: top, width: Math.max(1, stretchW - 1), height: bh, fill: colour(iso3) }));
      }
      // The whole column takes the click, and says what it holds.
      const hit = svgNode('rect', { x: x(s.from_km), y: PAD.top, width: Math.max(2, stretchW), height: h - PAD.bottom - PAD.top, class: k === selected ? 'stretch chosen' : 'stretch', 'data-stretch': k });
      hit.append(svgNode('title', {}, stretchText(s)));
      hit.addEventListener('click', () => { selected = k; draw(); say(); zoomTo(k); });
      svg.append(hit);
    });
    // Kilometres along the bottom.
    const every = [50, 100, 200, 250, 500, 1000].find((e) => plotW * e / Math.max(1, data.length_km) > 48) || 1000;
    for (let k = 0; k <= data.length_km; k += every) svg.append(svgNode('text', { x: x(k), y: h - 3, class: 'axis', 'text-anchor': 'middle' }, `${k} km`));
  }

  $('profile-chart').addEventListener('keydown', (e) => {
    if (!data) return;
    const n = data.stretches.length;
    const keys = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -10, PageUp: 10 };
    if (e.key in keys) selected = Math.max(0, Math.min(n - 1, (selected ?? -1) + keys[e.key]));
    else if (e.key === 'Home') selected = 0;
    else if (e.key === 'End') selected = n - 1;
    else if ((e.key === 'Enter' || e.key === ' ') && selected !== null) { zoomTo(selected); e.preventDefault(); return; }
    else return;
    e.preventDefault();
    draw();
    say();
  });

  // The tabs: the timeline or the profile in the bottom pane.
  function showPane(profile) {
    $('tab-timeline').setAttribute('aria-selected', String(!profile));
    $('tab-profile').setAttribute('aria-selected', String(profile));
    $('tab-timeline').tabIndex = profile ? -1 : 0;
    $('tab-profile').tabIndex = profile ? 0 : -1;
    $('timeline-view').hidden = profile;
    $('profile-view').hidden = !profile;
    document.getElementById('timeline').classList.toggle('tall', profile);
    B.map.invalidateSize();
    if (profile) load().catch(B.showError);
  }
  $('tab-timeline').addEventListener('click', () => showPane(false));
  $('tab-profile').addEventListener('click', () => showPane(true));
  for (const id of ['tab-timeline', 'tab-profile']) {
    $(id).addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
      const profile = id === 'tab-timeline';
      showPane(profile);
      $(profile ? 'tab-profile' : 'tab-timeline').focus();
    });
  }
  for (const id of ['profile-border', 'profile-source']) $(id).addEventListener('change', () => load().catch(B.showError));
  document.addEventListener('borderline:filters', () => load().catch(B.showError));
  new ResizeObserver(() => { if (!$('profile-view').hidden) draw(); }).observe($('profile-chart'));

  // The borders and country names app.js loaded for the map.
  function fill() {
    names = B.basemap.countries;
    const pairs = [...new Map(B.basemap.borders.map((b) => [b.pair, b.name])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
    const select = $('profile-border');
    for (const [pair, label] of pairs) select.append(el('option', { value: pair }, label));
    select.value = pairs.some(([p]) => p === 'DZA-MLI') ? 'DZA-MLI' : (pairs[0] || [''])[0];
  }
  if (B.basemap) fill(); else document.addEventListener('borderline:basemap', fill, { once: true });
})();

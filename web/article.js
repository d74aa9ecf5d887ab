// borderline web map: "Check an article". The pasted text goes to POST /api/text/check; the answer comes back as
// character spans, drawn over the text as highlights (places underlined, claims coloured by verdict). A click on
// a claim draws its two ends and the measured line on the map. The text is put on the page as text only.
'use strict';

(function () {
  const B = window.borderline;
  const { el, $, map } = B;
  const layer = L.layerGroup().addTo(map);
  const VERDICT = { consistent: 'holds', inconsistent: 'does not hold', unverifiable: 'cannot be checked' };
  const km = (m) => (m / 1000).toLocaleString('en', { maximumFractionDigits: 1 }) + ' km';
  let current = null; // {chars, check}

  function describe(c) {
    const subject = c.subject ? c.subject.name : '?';
    let object = '?';
    if (c.object && c.object.kind === 'place') object = c.object.name;
    else if (c.object && c.object.kind === 'border') object = 'the ' + (c.object.border || (c.object.country || '') + ' ') + ' border';
    else if (c.object && c.object.kind === 'unplaced') object = '“' + c.object.text + '”';
    const stated = c.stated_m == null ? 'on the line' : km(c.stated_m);
    const measured = c.measured_m == null ? '' : ', measured ' + km(c.measured_m);
    return `${subject} → ${object}: stated ${stated}${measured}`;
  }

  // The text cut at every span boundary; each piece knows the claim and the place covering it.
  function pieces(chars, check) {
    const cuts = new Set([0, chars.length]);
    for (const s of [...check.claims, ...check.places]) { cuts.add(s.start); cuts.add(s.end); }
    const sorted = [...cuts].sort((a, b) => a - b);
    const out = [];
    for (let i = 0; i + 1 < sorted.length; i++) {
      const [a, b] = [sorted[i], sorted[i + 1]];
      const claim = check.claims.findIndex((c) => c.start <= a && b <= c.end);
      const place = check.places.find((p) => p.start <= a && b <= p.end);
      out.push({ text: chars.slice(a, b).join(''), claim, place });
    }
    return out;
  }

  function render(text, check) {
    const chars = Array.from(text); // offsets are in code points
    current = { chars, check };
    const reader = $('article-text');
    reader.replaceChildren(...pieces(chars, check).map((p) => {
      if (p.claim < 0 && !p.place) return document.createTextNode(p.text);
      const classes = [];
      if (p.claim >= 0) classes.push('claim', check.claims[p.claim].verdict);
      if (p.place) classes.push('place');
      const node = el('mark', { class: classes.join(' ') }, p.text);
      if (p.claim >= 0) { node.dataset.claim = p.claim; node.addEventListener('click', () => show(p.claim)); }
      if (p.place) node.title = `${p.place.name} (${p.place.country})` + (p.place.alternatives.length ? ' — also ' + p.place.alternatives.map((a) => `${a.name} (${a.country})`).join(', ') : '');
      return node;
    }));
    reader.hidden = false;
    const list = $('article-claims');
    list.replaceChildren(...check.claims.map((c, k) => el('li', { class: c.verdict },
      el('button', { type: 'button', 'data-claim': String(k) }, `“${c.text}” ${VERDICT[c.verdict]}`),
      el('small', {}, describe(c) + (c.reason ? ' — ' + c.reason : '') + (c.note ? ' — ' + c.note : '')))));
    for (const b of list.querySelectorAll('button')) b.addEventListener('click', () => show(Number(b.dataset.claim)));
    const drafts = $('article-drafts');
    drafts.replaceChildren(...check.drafts.map((d) => {
      const what = `${d.date_text}: ${d.sub_event_type} at ${d.place.name} (${d.place.country})` + (d.fatalities != null ? `, ${d.fatalities} killed` : '');
      const button = el('button', { type: 'button' }, 'Record as a draft…');
      button.addEventListener('click', () => {
        const props = {
          event_date: d.date_start, date_start: d.time_precision === 1 ? null : d.date_start, date_end: d.time_precision === 1 ? null : d.date_end,
          time_precision: d.time_precision, event_type: d.event_type, sub_event_type: d.sub_event_type, fatalities: d.fatalities,
          location: d.place.name, country: d.country_name, geo_precision: d.geo_precision,
        };
        if (!B.recordDraft || !B.recordDraft(props, [d.place.lon, d.place.lat])) {
          $('article-summary').textContent = 'Sign in as an editor to record it: it stays a draft until a reviewer publishes it.';
        }
      });
      return el('li', {}, el('span', {}, what), ' ', button);
    }));
    drafts.hidden = check.drafts.length === 0;
    const unknown = check.unknown_places.map((u) => u.text);
    $('article-summary').textContent = `${check.places.length} place mention(s), ${check.claims.length} claim(s)` +
      (unknown.length ? `; not in the gazetteer: ${unknown.join(', ')}` : '') +
      (check.drafts.length ? `; ${check.drafts.length} sentence(s) read as events (draft incidents)` : '');
  }

  function show(k) {
    const c = current.check.claims[k];
    layer.clearLayers();
    for (const m of document.querySelectorAll('#article-text mark.selected')) m.classList.remove('selected');
    for (const m of document.querySelectorAll(`#article-text mark[data-claim="${k}"]`)) m.classList.add('selected');
    if (!c.line) {
      $('article-summary').textContent = `“${c.text}”: ${c.reason || 'nothing to draw'}`;
      return;
    }
    const [[x0, y0], [x1, y1]] = c.line;
    const ends = [[y0, x0], [y1, x1]];
    L.polyline(ends, { className: 'article-line', color: c.verdict === 'consistent' ? '#1a7f37' : '#b00020', weight: 3, dashArray: '6 4' })
      .bindTooltip(el('span', {}, describe(c)), { sticky: true }).addTo(layer);
    const names = [c.subject ? c.subject.name : '', c.object && c.object.kind === 'place' ? c.object.name : 'nearest border point'];
    ends.forEach((p, i) => L.circleMarker(p, { className: 'article-point', radius: 6, color: '#111', weight: 2, fillColor: '#ffd400', fillOpacity: 1 })
      .bindTooltip(el('span', {}, names[i]), { permanent: true, direction: 'top', offset: [0, -6] }).addTo(layer));
    map.fitBounds(L.latLngBounds(ends).pad(0.3), { maxZoom: 9 });
  }

  $('article-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('article-input').value;
    if (!text.trim()) return;
    $('article-summary').textContent = 'Reading…';
    try {
      const response = await fetch('api/text/check', { method: 'POST', headers: { 'Content-Type': 'text/plain; charset=utf-8', Accept: 'application/json' }, body: text });
      const body = await response.json();
      if (!response.ok) throw new Error(body.description || response.statusText);
      render(text, body);
    } catch (err) {
      $('article-summary').textContent = 'Could not check the text: ' + err.message;
    }
  });
})();

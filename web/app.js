// borderline web map. Plain JavaScript, no build step; Leaflet is the only library. Everything from the data is
// put on the page as text (textContent, never innerHTML), and the Content-Security-Policy forbids inline script.
'use strict';

(function () {
  // Okabe–Ito colours: told apart with the common forms of colour blindness.
  const TYPES = [
    ['Battles', '#D55E00'],
    ['Explosions/Remote violence', '#E69F00'],
    ['Violence against civilians', '#CC79A7'],
    ['Protests', '#009E73'],
    ['Riots', '#8C7A00'],
    ['Strategic developments', '#0072B2'],
  ];
  const COLOUR = Object.fromEntries(TYPES);
  const TIME_PRECISION = { 1: 'exact day', 2: 'within a week', 3: 'month only' };
  const GEO_PRECISION = { 1: 'the place itself', 2: 'near the place', 3: 'region only' };
  const $ = (id) => document.getElementById(id);

  // --- small DOM helpers: elements with text children only ---
  // Leaflet puts a string tooltip into innerHTML: tooltips get an element holding the text instead.
  const textTip = (text) => el('span', {}, String(text));

  // Chromium makes an SVG path with focus listeners (Leaflet's tooltips add them) a tab stop: lines and place
  // dots are not, so the first Tab into the map reaches the incidents.
  const untabbable = (layer) => layer.on('add', () => { const n = layer.getElement(); if (n) n.setAttribute('tabindex', '-1'); });

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k === 'style') Object.assign(node.style, v);
      else node.setAttribute(k, v);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  // An SVG element with these attributes and, when given, this text (the charts of timeline.js and profile.js).
  function svgNode(tag, attrs, text) {
    const n = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    return n;
  }
  function definitions(rows) {
    return el('dl', {}, rows.filter((r) => r[1] !== null && r[1] !== undefined && r[1] !== '').map(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  }
  // Coordinates are always labelled by hemisphere: "21.70534° N, 0.06592° W" cannot be read the wrong way round.
  const latLon = (lat, lon) => `${Math.abs(lat).toFixed(5)}° ${lat < 0 ? 'S' : 'N'}, ${Math.abs(lon).toFixed(5)}° ${lon < 0 ? 'W' : 'E'}`;
  const km = (m) => (m / 1000).toLocaleString('en', { maximumFractionDigits: m < 10000 ? 2 : 1 }) + ' km';
  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.description || response.statusText);
    return body;
  }

  // --- state, kept in the URL so a view can be shared and survives a reload ---
  const state = {
    lat: 20.5, lon: 1.5, zoom: 6,
    from: null, to: null, // 'YYYY-MM', or 'YYYY-MM-DD' while playing by week
    types: new Set(TYPES.map((t) => t[0])),
    actor: '', side: '', near: false, km: 50,
    osm: true, ne: true, corridor: false, places: true, tiles: false,
    view: 'auto', weight: 'count', // points or density; what density counts
  };
  function readHash() {
    const h = new URLSearchParams(location.hash.slice(1));
    const num = (k, lo, hi) => { const v = Number(h.get(k)); return h.has(k) && Number.isFinite(v) && v >= lo && v <= hi ? v : null; };
    // A month, or a day (the timeline plays by week).
    const month = (k) => (/^\d{4}-\d{2}(-\d{2})?$/.test(h.get(k) || '') ? h.get(k) : null);
    state.lat = num('lat', -85, 85) ?? state.lat;
    state.lon = num('lon', -180, 180) ?? state.lon;
    state.zoom = num('z', 2, 18) ?? state.zoom;
    state.from = month('from');
    state.to = month('to');
    if (h.has('types')) state.types = new Set(h.get('types').split(',').filter((t) => COLOUR[t]));
    state.actor = h.get('actor') || '';
    state.side = /^[A-Z]{3}$/.test(h.get('side') || '') ? h.get('side') : '';
    state.km = num('km', 1, 2000) ?? state.km;
    state.near = h.get('near') === '1';
    for (const k of ['osm', 'ne', 'corridor', 'places', 'tiles']) if (h.has(k)) state[k] = h.get(k) === '1';
    state.view = ['auto', 'points', 'density'].includes(h.get('view')) ? h.get('view') : 'auto';
    state.weight = h.get('weight') === 'fatalities' ? 'fatalities' : 'count';
  }
  function writeHash() {
    const h = new URLSearchParams();
    h.set('lat', state.lat.toFixed(4));
    h.set('lon', state.lon.toFixed(4));
    h.set('z', String(state.zoom));
    if (state.from) h.set('from', state.from);
    if (state.to) h.set('to', state.to);
    if (state.types.size !== TYPES.length) h.set('types', [...state.types].join(','));
    if (state.actor) h.set('actor', state.actor);
    if (state.side) h.set('side', state.side);
    if (state.near) h.set('near', '1');
    h.set('km', String(state.km));
    for (const k of ['osm', 'ne', 'corridor', 'places', 'tiles']) h.set(k, state[k] ? '1' : '0');
    if (state.view !== 'auto') h.set('view', state.view);
    if (state.weight !== 'count') h.set('weight', state.weight);
    history.replaceState(null, '', '#' + h.toString());
  }

  // The filter part of every incident query (the same parameters as the OGC API items).
  function filterParams() {
    const p = new URLSearchParams();
    if (state.from || state.to) {
      const last = (m) => { const [y, mo] = m.split('-').map(Number); return m + '-' + String(new Date(Date.UTC(y, mo, 0)).getUTCDate()).padStart(2, '0'); };
      const first = (m) => (m.length === 7 ? m + '-01' : m);
      p.set('datetime', (state.from ? first(state.from) : '..') + '/' + (state.to ? (state.to.length === 7 ? last(state.to) : state.to) : '..'));
    }
    if (state.types.size !== TYPES.length) p.set('event_type', [...state.types].join(','));
    if (state.actor) p.set('actor', state.actor);
    if (state.side) p.set('side', state.side);
    if (state.near) p.set('within_km', String(state.km));
    return p;
  }
  function viewBox() {
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    return [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)]
      .map((v) => v.toFixed(5)).join(',');
  }

  // --- the map ---
  readHash();
  const map = L.map('map', { zoomControl: false, preferCanvas: false, worldCopyJump: false, minZoom: 2 }).setView([state.lat, state.lon], state.zoom);
  map.attributionControl.setPrefix(false);
  const zoomControl = L.control.zoom();
  L.control.scale({ metric: true, imperial: false, maxWidth: 120 }).addTo(map);
  // On a phone the zoom buttons go to the bottom right (popups open above them) and the attribution takes one line.
  const ATTRIBUTION = ['Borders and countries © OpenStreetMap contributors (ODbL), Natural Earth', '© OpenStreetMap (ODbL), Natural Earth'];
  let attribution = null;
  function placeControls() {
    const small = map.getSize().x < 600;
    zoomControl.remove();
    zoomControl.setPosition(small ? 'bottomright' : 'topleft').addTo(map);
    if (attribution) map.attributionControl.removeAttribution(attribution);
    attribution = ATTRIBUTION[small ? 1 : 0];
    map.attributionControl.addAttribution(attribution);
  }
  placeControls();
  map.on('resize', placeControls);
  const panes = { countries: 350, corridor: 380, borders: 390, uncertainty: 395, labels: 600, incidents: 610 };
  for (const [name, z] of Object.entries(panes)) map.createPane(name).style.zIndex = String(z);
  map.getPane('corridor').style.opacity = '0.16';
  const tiles = L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', {
    maxZoom: 18, attribution: 'Tiles © <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
  });
  const layers = {
    countries: L.layerGroup().addTo(map),
    osm: L.layerGroup(), ne: L.layerGroup(), corridor: L.layerGroup(),
    places: L.layerGroup(), incidents: L.layerGroup().addTo(map), answer: L.layerGroup().addTo(map),
  };
  let borderLines = []; // OSM lines, for the corridor band
  let sources = {};

  function metresPerPixel() {
    const lat = map.getCenter().lat * Math.PI / 180;
    return 156543.03392 * Math.cos(lat) / Math.pow(2, map.getZoom());
  }
  function drawCorridor() {
    layers.corridor.clearLayers();
    const weight = Math.max(2, (2 * state.km * 1000) / metresPerPixel());
    for (const coords of borderLines) {
      // Opaque strokes in a translucent pane: where strokes overlap the band does not darken.
      L.polyline(coords, { pane: 'corridor', color: '#b30000', opacity: 1, weight, lineCap: 'round', lineJoin: 'round', interactive: false }).addTo(layers.corridor);
    }
  }
  function syncLayers() {
    for (const k of ['osm', 'ne', 'corridor', 'places']) {
      if (state[k]) layers[k].addTo(map); else layers[k].remove();
    }
    if (state.tiles) tiles.addTo(map); else tiles.remove();
    if (state.corridor) drawCorridor();
    if (state.places) drawPlaces();
  }

  // The gazetteer holds every GeoNames place of the region: label the larger ones first and the smaller as the
  // map zooms in (as a base map does), and only those in view.
  let allPlaces = [];
  function placeMinZoom(p) {
    if (p.kind === 'capital') return 4;
    if (p.kind === 'city' || p.kind === 'site' || p.population == null) return 5;
    if (p.population >= 20000) return 6;
    return p.kind === 'town' ? 7 : 8;
  }
  const placeRank = (p) => (p.kind === 'capital' ? 3e9 : 0) + (p.kind === 'city' || p.kind === 'site' ? 2e9 : 0) + (p.population || 0);
  // Labels never print over each other: the larger places are labelled first and a label that would cover
  // one already placed goes to the left of its dot, or is left out (the dot stays, its name on hover and focus).
  function drawPlaces() {
    layers.places.clearLayers();
    const zoom = map.getZoom();
    const view = map.getBounds().pad(0.2);
    const shown = allPlaces.filter((f) => {
      const [x, y] = f.geometry.coordinates;
      return placeMinZoom(f.properties) <= zoom && view.contains([y, x]);
    }).sort((a, b) => placeRank(b.properties) - placeRank(a.properties));
    const taken = [];
    const free = (r) => !taken.some((t) => r.x0 < t.x1 && t.x0 < r.x1 && r.y0 < t.y1 && t.y0 < r.y1);
    for (const f of shown) {
      const [x, y] = f.geometry.coordinates;
      const at = map.latLngToLayerPoint([y, x]);
      const width = 7 * f.properties.name.length + 6;
      const right = { x0: at.x + 4, x1: at.x + 4 + width, y0: at.y - 8, y1: at.y + 8 };
      const left = { x0: at.x - 4 - width, x1: at.x - 4, y0: at.y - 8, y1: at.y + 8 };
      const side = free(right) ? 'right' : free(left) ? 'left' : null;
      if (side) taken.push(side === 'right' ? right : left);
      taken.push({ x0: at.x - 3, x1: at.x + 3, y0: at.y - 3, y1: at.y + 3 });
      const marker = L.circleMarker([y, x], { pane: 'labels', radius: 3, color: '#333', weight: 1, fillColor: '#fff', fillOpacity: 1 })
        .bindTooltip(textTip(f.properties.name), side
          ? { permanent: true, direction: side, className: 'place-label', offset: [side === 'right' ? 4 : -4, 0] }
          : { direction: 'right', offset: [4, 0] });
      marker.on('click', (e) => { L.DomEvent.stopPropagation(e); showPlace(f).catch(showError); });
      untabbable(marker).addTo(layers.places);
    }
  }

  async function loadBaseMap() {
    const [countries, borders, places] = await Promise.all([
      getJSON('ogc/collections/countries/items?limit=1000'),
      getJSON('ogc/collections/borders/items?limit=1000'),
      getJSON('ogc/collections/places/items?limit=10000'),
    ]);
    L.geoJSON(countries, {
      pane: 'countries', interactive: false,
      style: (f) => ({ color: '#9a9488', weight: 0.8, fillColor: f.properties.disputed ? '#ece6d6' : '#f4f1e8', fillOpacity: 1 }),
    }).addTo(layers.countries);
    countryNames = Object.fromEntries(countries.features.map((f) => [f.properties.iso3, f.properties.name]));
    const select = $('side');
    for (const f of countries.features.slice().sort((a, b) => a.properties.name.localeCompare(b.properties.name))) {
      select.append(el('option', { value: f.properties.iso3 }, f.properties.name));
    }
    select.value = state.side;
    for (const f of borders.features) {
      const osm = f.properties.source === 'osm';
      const lines = f.geometry.coordinates.map((line) => line.map(([x, y]) => [y, x]));
      if (osm) borderLines.push(...lines);
      untabbable(L.polyline(lines, {
        pane: 'borders', color: osm ? '#b30000' : '#1f5fbf', weight: osm ? 2.2 : 1.8, dashArray: osm ? null : '6 5', opacity: 0.9,
      })).bindTooltip(textTip(`${f.properties.name} — ${osm ? 'OpenStreetMap' : 'Natural Earth'}`), { sticky: true }).addTo(osm ? layers.osm : layers.ne);
    }
    allPlaces = places.features;
    syncLayers();
    window.borderline.basemap = { borders: borders.features.map((f) => f.properties), countries: countryNames };
    document.dispatchEvent(new CustomEvent('borderline:basemap'));
  }

  // --- incidents: groups and single incidents of the current view, from the server ---
  let requestNumber = 0;
  // The automatic view shows density above this many incidents in view, below this zoom.
  const DENSE = 3000, DENSE_BELOW_ZOOM = 10;
  let drawn = 0;
  async function refresh() {
    const n = ++requestNumber;
    if (state.types.size === 0) {
      // Nothing can match: no request needed.
      layers.incidents.clearLayers();
      $('counts').textContent = '0 incidents in view (no event type chosen)';
      return;
    }
    const params = filterParams();
    const q = new URLSearchParams(params);
    q.set('bbox', viewBox());
    q.set('zoom', String(map.getZoom()));
    // Points and groups, or the density view when asked for, or (automatic) when the view holds many.
    const density = (answer) => { layers.incidents.clearLayers(); window.borderline.density.draw(answer); return answer; };
    const weighted = () => { const d = new URLSearchParams(q); d.set('weight', state.weight); return getJSON('api/density?' + d.toString()); };
    let answer;
    if (state.view === 'density' && window.borderline.density) answer = density(await weighted());
    else {
      answer = await getJSON('api/clusters?' + q.toString());
      if (n !== requestNumber) return;
      if (state.view === 'auto' && window.borderline.density && answer.numberMatched > DENSE && map.getZoom() < DENSE_BELOW_ZOOM) {
        const d = await weighted();
        if (n !== requestNumber) return;
        density(d);
      } else {
        if (window.borderline.density) window.borderline.density.clear();
        drawIncidents(answer.items);
      }
    }
    if (n !== requestNumber) return; // a newer view is on its way
    $('counts').textContent = `${answer.numberMatched.toLocaleString('en')} ${answer.numberMatched === 1 ? 'incident' : 'incidents'} in view`;
    inView = answer.numberMatched;
    sayOutside();
    // The same selection as the map, as files (`/api/export/{format}`: every incident, no page limit).
    const download = new URLSearchParams(params);
    download.set('bbox', viewBox());
    for (const [id, format] of [['gpkg', 'gpkg'], ['geojson', 'geojson'], ['csv', 'csv.zip'], ['kml', 'kml']]) {
      $('download-' + id).href = `api/export/${format}?` + download.toString();
    }
    document.body.dataset.ready = '1';
    document.body.dataset.drawn = String(++drawn); // each view drawn: what benches/web_render.mjs waits for
    document.body.dataset.markers = String(answer.items ? answer.items.length : 0);
  }
  // Text on a colour: black or white, whichever contrasts more (WCAG: at least 4.5:1 for one of them).
  function inkOn(hex) {
    const c = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    const lum = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? '#000' : '#fff';
  }
  const groupSize = (count) => Math.min(46, Math.round(22 + 6 * Math.log10(count)));
  function groupSymbol(size, colour, label) {
    return el('div', { class: 'group-icon', style: { width: size + 'px', height: size + 'px', background: colour, color: inkOn(colour) } }, label);
  }
  function spotSymbol() {
    return el('div', { class: 'spot-icon' });
  }
  const shortCount = (n) => (n >= 1000 ? Math.round(n / 100) / 10 + 'k' : String(n));

  // Groups whose circles would overlap on screen are merged (the larger keeps its place), so none hides another.
  function separate(groups) {
    const placed = [];
    for (const g of groups.slice().sort((a, b) => b.count - a.count)) {
      const at = map.latLngToLayerPoint([g.lat, g.lon]);
      const host = placed.find((p) => p.at.distanceTo(at) < (groupSize(p.count) + groupSize(g.count)) / 2 + 2);
      if (host) {
        host.count += g.count;
        host.fatalities += g.fatalities;
        host.cells.push(g.cell);
        for (const [t, n] of Object.entries(g.event_types)) host.event_types[t] = (host.event_types[t] || 0) + n;
      } else placed.push(Object.assign({}, g, { at, cells: [g.cell], event_types: Object.assign({}, g.event_types) }));
    }
    return placed;
  }
  // Incidents at the same spot are spread on a small circle around it, with a leg to the true position.
  function spread(singles) {
    const bySpot = new Map();
    for (const item of singles) {
      const key = item.lat.toFixed(5) + ',' + item.lon.toFixed(5);
      if (!bySpot.has(key)) bySpot.set(key, []);
      bySpot.get(key).push(item);
    }
    const out = [];
    for (const members of bySpot.values()) {
      if (members.length === 1) { out.push({ item: members[0], at: null }); continue; }
      const centre = map.latLngToLayerPoint([members[0].lat, members[0].lon]);
      const radius = 14 + 3 * members.length;
      L.marker([members[0].lat, members[0].lon], { icon: L.divIcon({ html: spotSymbol(), className: '', iconSize: [10, 10] }), pane: 'incidents', interactive: false, keyboard: false }).addTo(layers.incidents);
      members.forEach((item, k) => {
        const angle = (2 * Math.PI * k) / members.length - Math.PI / 2;
        const at = map.layerPointToLatLng(centre.add(L.point(radius * Math.cos(angle), radius * Math.sin(angle))));
        L.polyline([[item.lat, item.lon], at], { pane: 'incidents', color: '#333', weight: 1, opacity: 0.7, interactive: false }).addTo(layers.incidents);
        out.push({ item, at, spot: members.length });
      });
    }
    return out;
  }
  // Uncertainty discs inform when few: with many in view only the selected incident's disc is drawn.
  const MAX_DISCS = 40;
  let selectedDisc = null;
  function showDisc(item) {
    if (selectedDisc) selectedDisc.remove();
    selectedDisc = null;
    if (!item || item.geo_precision <= 1) return;
    selectedDisc = L.circle([item.lat, item.lon], { pane: 'uncertainty', radius: item.uncertainty_radius_m, color: COLOUR[item.event_type] || '#555', weight: 1.5, opacity: 0.8, fill: true, fillOpacity: 0.08, dashArray: '3 3', interactive: false }).addTo(map);
  }

  function drawIncidents(items) {
    // A redraw keeps the keyboard focus on the marker that had it.
    const active = document.activeElement;
    const focused = active && active.closest && active.closest('.leaflet-marker-pane, .leaflet-incidents-pane') ? active.dataset.id : null;
    layers.incidents.clearLayers();
    const groups = separate(items.filter((i) => i.kind === 'group'));
    for (const g of groups) {
      const top = Object.entries(g.event_types).sort((a, b) => b[1] - a[1])[0][0];
      const size = groupSize(g.count);
      const icon = L.divIcon({ html: groupSymbol(size, COLOUR[top] || '#555', shortCount(g.count)), className: '', iconSize: [size, size] });
      const marker = L.marker([g.lat, g.lon], { icon, pane: 'incidents', keyboard: true, title: `${g.count} incidents: list them` })
        .on('click', () => listGroup(g).catch(showError))
        .addTo(layers.incidents);
      const node = marker.getElement();
      if (node) {
        node.setAttribute('aria-label', `A group of ${g.count} incidents: list them`);
        node.setAttribute('role', 'button');
        node.dataset.id = 'group:' + g.cells[0].join(',');
        node.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); listGroup(g).catch(showError); } });
      }
    }
    const singles = spread(items.filter((i) => i.kind === 'incident'));
    const coarse = singles.filter((s) => s.item.geo_precision > 1);
    if (coarse.length <= MAX_DISCS) {
      for (const { item } of coarse) {
        L.circle([item.lat, item.lon], { pane: 'uncertainty', radius: item.uncertainty_radius_m, color: COLOUR[item.event_type] || '#555', weight: 1, opacity: 0.45, fill: false, dashArray: '3 3', interactive: false })
          .addTo(layers.incidents);
      }
    }
    for (const { item, at, spot } of singles) {
      const colour = COLOUR[item.event_type] || '#555';
      const radius = Math.min(16, 4 + 2 * Math.sqrt(item.fatalities || 0));
      const open = () => { showDisc(item); return openIncident(item.id, [item.lat, item.lon]); };
      // A coarse location gets a faint centre: the disc around it is the information, not the point.
      const rough = item.geo_precision > 1;
      const label = `${item.event_type}, ${item.event_date}${spot ? ` (one of ${spot} at this spot)` : ''}`;
      const marker = L.circleMarker(at || [item.lat, item.lon], { pane: 'incidents', radius, color: rough ? colour : '#fff', weight: rough ? 1.5 : 1.2, fillColor: colour, fillOpacity: rough ? 0.35 : 0.9, className: 'incident' })
        .bindTooltip(textTip(label))
        .on('click', (e) => { L.DomEvent.stopPropagation(e); open().catch(showError); })
        .on('mouseover', () => { if (coarse.length > MAX_DISCS) showDisc(item); })
        .addTo(layers.incidents);
      // Reachable with the keyboard: Tab to it, Enter or Space opens it.
      const path = marker.getElement();
      if (path) {
        path.setAttribute('tabindex', '0');
        path.setAttribute('role', 'button');
        path.setAttribute('aria-label', label);
        path.dataset.id = item.id;
        path.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open().catch(showError); } });
        path.addEventListener('focus', () => { if (coarse.length > MAX_DISCS) showDisc(item); });
      }
    }
    const again = focused && document.querySelector(`#map [data-id="${CSS.escape(focused)}"]`);
    if (again) again.focus({ preventScroll: true });
  }

  // A group's members, listed in a popup (the first 50; zooming in shows the rest on the map).
  async function listGroup(g) {
    const LIMIT = 50;
    const lists = await Promise.all(g.cells.map((cell) => {
      const q = filterParams();
      q.set('bbox', cell.map((v) => v.toFixed(6)).join(','));
      q.set('limit', String(LIMIT));
      return getJSON('ogc/collections/incidents/items?' + q.toString());
    }));
    const features = lists.flatMap((l) => l.features).sort((a, b) => String(b.properties.event_date).localeCompare(String(a.properties.event_date))).slice(0, LIMIT);
    const items = features.map((f) => {
      const p = f.properties;
      const [x, y] = f.geometry.coordinates;
      const button = el('button', { type: 'button', class: 'link' }, `${p.event_date} — ${p.event_type}, ${p.location}${p.fatalities ? ` (${p.fatalities} killed)` : ''}`);
      button.addEventListener('click', () => openIncident(String(f.id), [y, x]).catch(showError));
      return el('li', {}, button);
    });
    const zoomIn = el('button', { type: 'button' }, 'Zoom in to them');
    zoomIn.addEventListener('click', () => { map.closePopup(); map.flyTo([g.lat, g.lon], Math.min(map.getZoom() + 2, 18)); });
    popup([g.lat, g.lon], el('div', { class: 'details group' }, el('h3', {}, `${g.count.toLocaleString('en')} incidents here`),
      el('ol', { class: 'members' }, items),
      g.count > items.length ? el('p', { class: 'hint' }, `${items.length} of ${g.count.toLocaleString('en')}.`) : null,
      zoomIn));
  }

  // How many of the matching incidents the view leaves out, and a way to show them all.
  let inView = null, matching = null;
  function sayOutside() {
    const box = $('outside');
    box.replaceChildren();
    if (inView === null || !matching || matching.total <= inView) return;
    const out = matching.total - inView;
    const all = el('button', { type: 'button', id: 'show-all' }, 'Show all');
    all.addEventListener('click', () => {
      const [w, s, e, n] = matching.bbox;
      map.fitBounds([[s, w], [n, e]], { padding: [30, 30], maxZoom: 12 });
    });
    box.append(`${out.toLocaleString('en')} more outside the view. `, all);
  }

  // --- the border question, answered for both lines: the sources disagree, and that is the point ---
  const LINES = [['osm', 'OpenStreetMap'], ['ne', 'Natural Earth']];
  let countryNames = {}; // ISO3 → name
  const countryName = (iso3) => countryNames[iso3] || iso3;
  // The answers of `url` (with a '?') for each line, as {osm, ne}.
  async function bothLines(url) {
    const [osm, ne] = await Promise.all(LINES.map(([source]) => getJSON(`${url}source=${source}`)));
    return { osm, ne };
  }
  function drawAnswer(from, answers) {
    layers.answer.clearLayers();
    for (const [source] of LINES) {
      const report = answers[source];
      const to = [report.nearest.lat, report.nearest.lon];
      const osm = source === 'osm';
      L.polyline([from, to], { color: osm ? '#7a0000' : '#123f80', weight: 1.5, dashArray: osm ? '4 4' : '1 4', interactive: false, className: 'answer-line ' + source }).addTo(layers.answer);
      L.circleMarker(to, { radius: 4, color: '#111', weight: 1, fillColor: osm ? '#ffd400' : '#9ad1ff', fillOpacity: 1, interactive: false }).addTo(layers.answer);
    }
  }
  // A table of both lines' answers side by side, and a warning when they put the point on different sides.
  function borderTable(answers, incident) {
    const rows = [
      ['Distance', (r) => km(r.distance_m)],
      incident ? ['Given the uncertainty', (r) => `${km(r.distance_min_m)}–${km(r.distance_max_m)}`] : null,
      ['Border', (r) => r.border],
      ['Side of the line', (r) => (incident && !r.side_certain ? 'either (the location may lie on both)' : countryName(r.side_of_line))],
      ['Nearest border point', (r) => latLon(r.nearest.lat, r.nearest.lon)],
    ].filter(Boolean);
    const table = el('table', { class: 'lines' },
      el('caption', {}, 'Nearest border, by each source’s line'),
      el('thead', {}, el('tr', {}, el('td', {}), LINES.map(([, name]) => el('th', { scope: 'col' }, name)))),
      el('tbody', {}, rows.map(([label, value]) => el('tr', {}, el('th', { scope: 'row' }, label), LINES.map(([source]) => el('td', {}, value(answers[source])))))));
    const { osm, ne } = answers;
    const differ = osm.side_of_line !== ne.side_of_line;
    return el('div', { class: 'border-answer' }, table,
      differ ? el('p', { class: 'sides-differ', role: 'note' }, `The two lines put it on different sides: ${countryName(osm.side_of_line)} by OpenStreetMap, ${countryName(ne.side_of_line)} by Natural Earth.`) : null);
  }
  async function askBorder(latlng) {
    const lon = ((latlng.lng + 540) % 360) - 180;
    try {
      const answers = await bothLines(`api/distance?lon=${lon.toFixed(6)}&lat=${latlng.lat.toFixed(6)}&`);
      drawAnswer([latlng.lat, latlng.lng], answers);
      const side = answers.osm.side;
      const content = el('div', { class: 'details answer' }, el('h3', {}, 'Distance to the border'),
        definitions([['Point', latLon(latlng.lat, lon)], ['Country', side.name + (side.disputed ? ' (disputed)' : '')]]),
        borderTable(answers, false));
      popup(latlng, content);
    } catch (err) {
      popup(latlng, el('div', {}, String(err.message)));
    }
  }
  map.on('click', (e) => askBorder(e.latlng));

  // --- popups: fit any screen, take the focus, Escape closes them and gives the focus back ---
  const narrow = () => map.getSize().x < 600;
  let opener = null; // what had the focus (an incident marker is found again by its id after a redraw)
  function popup(latlng, content) {
    const active = document.activeElement;
    opener = active && active !== document.body && !active.closest('.leaflet-popup') ? { node: active, id: active.dataset.id } : opener;
    const width = map.getSize().x;
    // 44 px of the popup's own margins; on a phone the zoom control sits at the bottom, clear of the popup.
    const pop = L.popup({
      maxWidth: Math.min(360, width - 64), minWidth: Math.min(240, width - 64),
      // Scrolls within the map, clear of the controls at its bottom (zoom, legend, scale, attribution).
      maxHeight: Math.max(120, Math.min(352, map.getSize().y - (narrow() ? 150 : 90))),
      autoPanPaddingTopLeft: narrow() ? [8, 8] : [56, 12], autoPanPaddingBottomRight: narrow() ? [8, 96] : [12, 36],
    }).setLatLng(latlng).setContent(content);
    // Opening it closes the popup it may replace (a group's list), which must not use up the opener.
    const keep = opener;
    pop.openOn(map);
    opener = keep;
    const box = pop.getElement().querySelector('.leaflet-popup-content');
    const title = content.querySelector('h3');
    box.setAttribute('role', 'dialog');
    box.setAttribute('tabindex', '-1');
    box.setAttribute('aria-label', title ? title.textContent : 'Details');
    box.focus({ preventScroll: true });
    return pop;
  }
  map.on('popupclose', () => {
    const back = opener;
    opener = null;
    if (!back) return;
    const again = back.node.isConnected ? back.node : back.id && document.querySelector(`[data-id="${CSS.escape(back.id)}"]`);
    if (again) again.focus({ preventScroll: true });
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !document.querySelector('dialog[open]') && document.querySelector('.leaflet-popup')) {
      map.closePopup();
      e.preventDefault();
    }
  });

  // List properties come as one ';'-separated string in GIS layers (OGC API, exports) and as arrays from /api.
  const listOf = (v) => (Array.isArray(v) ? v : (v ? String(v).split(';').map((s) => s.trim()).filter(Boolean) : []));

  async function showPlace(f) {
    const [x, y] = f.geometry.coordinates;
    const answers = await bothLines(`api/distance?lon=${x}&lat=${y}&`);
    drawAnswer([y, x], answers);
    const p = f.properties;
    popup([y, x], el('div', { class: 'details place' }, el('h3', {}, p.name),
      definitions([['Also written', listOf(p.alternate_names).join(', ')], ['Position', latLon(y, x)],
        ['Country', answers.osm.side.name]]),
      borderTable(answers, false)));
  }

  async function openIncident(id, latlng) {
    const [feature, answers] = await Promise.all([
      getJSON('ogc/collections/incidents/items/' + encodeURIComponent(id)),
      bothLines('api/incidents/' + encodeURIComponent(id) + '/distance?'),
    ]);
    const report = answers.osm;
    const p = feature.properties;
    let place = null;
    if (p.place_id) place = await getJSON('ogc/collections/places/items/' + encodeURIComponent(p.place_id)).catch(() => null);
    drawAnswer(latlng, answers);
    const dates = p.date_start === p.date_end ? p.date_start : `${p.date_start} to ${p.date_end}`;
    const fatalities = p.fatalities_low !== null && p.fatalities_high !== null && p.fatalities_low !== undefined
      ? `${p.fatalities_low}–${p.fatalities_high}` : p.fatalities;
    const docs = listOf(p.sources).map((s) => el('li', {}, sourceRef(s)));
    if (p.source) docs.push(el('li', {}, p.source));
    const content = el('div', { class: 'details incident' },
      el('h3', {}, `${p.event_type}: ${p.sub_event_type}`),
      definitions([
        ['Date', `${dates} (${TIME_PRECISION[p.time_precision] || 'precision unknown'})`],
        ['Actors', [p.actor1, p.actor2].filter(Boolean).join(' · ')],
        ['Fatalities', fatalities],
        ['Location', `${p.location}, ${p.country}`],
        ['Place', place ? `${place.properties.name}${listOf(place.properties.alternate_names).length ? ' (also ' + listOf(place.properties.alternate_names).slice(0, 6).join(', ') + ')' : ''}` : null],
        ['Precision', `${GEO_PRECISION[p.geo_precision] || ''} — within ${km(report.uncertainty_radius_m)}`],
        ['Position', latLon(latlng[0], latlng[1])],
        ['Country', report.side ? report.side.name : null],
        ['Event id', p.event_id_cnty],
      ]),
      borderTable(answers, true),
      el('p', { class: 'notes' }, p.notes),
      (p.variants || []).length ? el('div', {}, el('strong', {}, 'Sources disagree: '), el('ul', {}, p.variants.map((v) => el('li', {}, `${v.field}: ${v.value} — `, sourceRef(v.source))))) : null,
      el('div', { class: 'sources' }, el('strong', {}, 'Sources'), el('ul', {}, docs)),
      window.borderline.popupExtras ? window.borderline.popupExtras(feature, latlng) : null,
    );
    popup(latlng, content);
  }

  // A source document by its id: title, outlet and date, linked to it where the register has its address.
  function sourceRef(id) {
    const d = sources[id];
    if (!d) return id;
    const label = `${d.title} — ${d.outlet}${d.published ? ', ' + d.published : ''}`;
    return d.url && /^https?:\/\//.test(d.url) ? el('a', { href: d.url, rel: 'noopener noreferrer', target: '_blank' }, label) : label;
  }

  // --- place search, any spelling ---
  const searchInput = $('search-input');
  const results = $('search-results');
  let searchTimer = 0;
  let searchSeq = 0; // the latest search; an older answer arriving late is dropped
  async function search(pickFirst) {
    const seq = ++searchSeq;
    const q = searchInput.value.trim();
    results.replaceChildren();
    if (!q) { results.hidden = true; return; }
    const answer = await getJSON('api/places/search?q=' + encodeURIComponent(q) + '&limit=6').catch(() => ({ matches: [] }));
    if (seq !== searchSeq || searchInput.value.trim() !== q) return;
    const tied = answer.matches.filter((m) => m.tied).length;
    const note = `${tied} places match “${q}” equally well: choose one`;
    results.setAttribute('aria-label', answer.ambiguous ? note : 'Places found');
    if (answer.ambiguous) results.append(el('li', { class: 'search-note', role: 'none' }, note));
    for (const m of answer.matches) {
      const button = el('button', { type: 'button', role: 'option' }, m.name, ' ', el('small', {}, `${m.country}${m.matched_name !== m.name ? ' — ' + m.matched_name : ''}`));
      button.addEventListener('click', () => pick(m));
      results.append(el('li', { role: 'none' }, button));
    }
    results.hidden = answer.matches.length === 0;
    // Enter picks the best match, unless several match equally well: then the user chooses.
    if (pickFirst && answer.matches[0] && !answer.ambiguous) pick(answer.matches[0]);
    else if (pickFirst && answer.ambiguous) results.querySelector('button').focus();
  }
  function pick(m) {
    clearTimeout(searchTimer);
    searchSeq += 1;
    results.hidden = true;
    searchInput.value = m.name;
    map.flyTo([m.lat, m.lon], Math.max(map.getZoom(), 10));
    map.once('moveend', () => showPlace({ geometry: { coordinates: [m.lon, m.lat] }, properties: m }).catch(showError));
  }
  searchInput.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => search(false), 150); });
  $('search').addEventListener('submit', (e) => { e.preventDefault(); clearTimeout(searchTimer); search(true); });
  searchInput.addEventListener('keydown', (e) => { if (e.key === 'Escape') results.hidden = true; });

  // --- filters (the dates are set on the timeline, timeline.js) ---
  function buildTypeFilters() {
    const box = $('types');
    for (const [type, colour] of TYPES) {
      const input = el('input', { type: 'checkbox', value: type });
      input.checked = state.types.has(type);
      input.addEventListener('change', () => { if (input.checked) state.types.add(type); else state.types.delete(type); changed(); });
      box.append(el('label', { class: 'inline' }, input, el('span', { class: 'swatch', style: { background: colour } }), type));
    }
  }
  let actorTimer = 0;
  $('actor').value = state.actor;
  $('actor').addEventListener('input', () => { clearTimeout(actorTimer); actorTimer = setTimeout(() => { state.actor = $('actor').value.trim(); changed(); }, 250); });
  $('side').addEventListener('change', () => { state.side = $('side').value; changed(); });
  $('near').checked = state.near;
  $('near').addEventListener('change', () => { state.near = $('near').checked; changed(); });
  $('km').value = String(state.km);
  $('km').addEventListener('change', () => {
    const v = Number($('km').value);
    if (Number.isFinite(v) && v >= 1 && v <= 2000) { state.km = v; if (state.corridor) drawCorridor(); changed(); } else $('km').value = String(state.km);
  });
  for (const k of ['view', 'weight']) {
    $(k).value = state[k];
    $(k).addEventListener('change', () => { state[k] = $(k).value; writeHash(); refresh().catch(showError); });
  }
  for (const k of ['osm', 'ne', 'corridor', 'places', 'tiles']) {
    const box = $('layer-' + k);
    box.checked = state[k];
    box.addEventListener('change', () => { state[k] = box.checked; syncLayers(); writeHash(); });
  }

  // The counts of the whole selection: what "N more outside the view" compares with.
  async function refreshCounts() {
    matching = state.types.size === 0 ? { total: 0, bbox: null } : await getJSON('api/stats?' + filterParams().toString());
    sayOutside();
  }
  // The other views (timeline, border profile) redraw on this.
  const filtersChanged = () => document.dispatchEvent(new CustomEvent('borderline:filters'));

  // --- putting it together ---
  let refreshTimer = 0;
  function changed() {
    writeHash();
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => { refresh().catch(showError); refreshCounts().catch(showError); filtersChanged(); }, 120);
  }
  map.on('moveend', () => {
    const c = map.getCenter();
    state.lat = c.lat; state.lon = c.lng; state.zoom = map.getZoom();
    writeHash();
    syncLayers();
    refresh().catch(showError);
  });
  window.addEventListener('hashchange', () => {
    readHash();
    map.setView([state.lat, state.lon], state.zoom);
    syncLayers();
    refresh().catch(showError);
    refreshCounts().catch(showError);
    filtersChanged();
  });
  function showError(err) { $('counts').textContent = 'Could not load: ' + err.message; }

  async function start() {
    buildTypeFilters();
    const [register] = await Promise.all([getJSON('api/sources'), loadBaseMap()]);
    sources = Object.fromEntries(register.documents.map((d) => [d.id, d]));
    writeHash();
    await Promise.all([refresh(), refreshCounts()]);
  }
  // What edit.js builds on.
  window.borderline = {
    el, $, svgNode, map, TYPES, groupSymbol, spotSymbol, getJSON, latLon, state, filterParams, changed, showError,
    sources: () => sources, refresh: () => refresh().catch(showError), popupExtras: null,
  };
  start().catch((err) => { $('counts').textContent = 'Could not load the data: ' + err.message; });
})();

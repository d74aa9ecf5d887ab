// The density view: when the incidents of a view are many, the map shows hexagons counted on the server
// (/api/density, about 36 screen pixels across) coloured by how many incidents — or fatalities — each holds,
// with a legend of the classes. A click on a hexagon zooms in on it. app.js decides when (refresh()).
'use strict';

(function () {
  const B = window.borderline;
  const { el, map } = B;
  // Viridis, light to dark: ordered for every common form of colour blindness, and in grey.
  const CLASSES = ['#fde725', '#5ec962', '#21918c', '#3b528b', '#440154'];
  map.createPane('density').style.zIndex = 386; // over the corridor band, under the border lines and the place names
  const layer = L.layerGroup().addTo(map);
  let scale = null; // the class limits of what is drawn

  // Five classes on a logarithmic scale from 1 to the largest value: counts span orders of magnitude.
  function limits(max) {
    const out = [];
    for (let k = 1; k <= CLASSES.length; k++) out.push(Math.max(k, Math.round(Math.exp(Math.log(Math.max(1, max)) * k / CLASSES.length))));
    for (let k = 1; k < out.length; k++) out[k] = Math.max(out[k], out[k - 1] + 1);
    return out;
  }
  const classOf = (v) => Math.max(0, scale.findIndex((top) => v <= top));

  const legend = L.control({ position: 'bottomleft' });
  // Open, except on a phone, where it would cover much of the map.
  legend.onAdd = () => {
    const box = el('details', { class: 'legend density-legend', id: 'density-legend' });
    box.open = !window.matchMedia('(max-width: 600px)').matches;
    return box;
  };
  function drawLegend(answer) {
    const box = document.getElementById('density-legend');
    if (!box) return;
    const what = answer.weight === 'fatalities' ? 'Fatalities' : 'Incidents';
    const rows = scale.map((top, k) => {
      const from = k === 0 ? 1 : scale[k - 1] + 1;
      return el('li', {}, el('span', { class: 'hex', style: { background: CLASSES[k] } }), el('span', {}, from === top ? String(top) : `${from.toLocaleString('en')}–${top.toLocaleString('en')}`));
    });
    box.replaceChildren(el('summary', {}, `${what} per hexagon`), el('ul', {}, rows), el('p', {}, 'Zoom in for the incidents themselves.'));
  }

  function draw(answer) {
    layer.clearLayers();
    scale = limits(answer.max);
    L.geoJSON(answer, {
      pane: 'density',
      style: (f) => ({ fillColor: CLASSES[classOf(f.properties.value)], fillOpacity: 0.72, color: '#fff', weight: 0.6, opacity: 0.8 }),
      onEachFeature: (f, hex) => {
        const p = f.properties;
        hex.bindTooltip(el('span', {}, `${p.count.toLocaleString('en')} incidents, ${p.fatalities.toLocaleString('en')} fatalities`), { sticky: true });
        hex.on('click', (e) => map.setView(e.latlng, Math.min(map.getZoom() + 2, 12)));
        hex.on('add', () => { const n = hex.getElement(); if (n) n.setAttribute('tabindex', '-1'); });
      },
    }).addTo(layer);
    if (!document.getElementById('density-legend')) legend.addTo(map);
    drawLegend(answer);
    document.body.dataset.density = String(answer.features.length);
  }
  function clear() {
    layer.clearLayers();
    legend.remove();
    delete document.body.dataset.density;
  }
  B.density = { draw, clear };
})();

// borderline web map: the legend, a map control explaining every symbol the map draws. app.js hands it the map
// and its helpers (window.borderline); it starts folded.
'use strict';

(function () {
  const B = window.borderline;
  const { el, map, TYPES } = B;
  const ns = 'http://www.w3.org/2000/svg';
  function svg(width, height, ...shapes) {
    const node = document.createElementNS(ns, 'svg');
    for (const [k, v] of Object.entries({ width, height, viewBox: `0 0 ${width} ${height}`, 'aria-hidden': 'true' })) node.setAttribute(k, String(v));
    for (const [tag, attrs] of shapes) {
      const shape = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, String(v));
      node.append(shape);
    }
    return node;
  }
  const row = (symbol, ...text) => el('li', {}, symbol, el('span', {}, ...text));
  const circle = (r, attrs) => svg(2 * r + 4, 2 * r + 4, ['circle', Object.assign({ cx: r + 2, cy: r + 2, r }, attrs)]);
  const line = (attrs) => svg(28, 10, ['line', Object.assign({ x1: 1, y1: 5, x2: 27, y2: 5 }, attrs)]);

  function legend() {
    // The sizes are those of app.js: 4 + 2√fatalities pixels, at most 16.
    const sizes = [0, 10, 50].map((f) => row(circle(Math.min(16, 4 + 2 * Math.sqrt(f)), { fill: '#777', stroke: '#fff', 'stroke-width': 1.2 }), `${f} fatalities`));
    const colours = TYPES.map(([type, colour]) => row(circle(6, { fill: colour, stroke: '#fff' }), type));
    return el('details', { class: 'legend', id: 'legend' },
      el('summary', {}, 'Legend'),
      el('h3', {}, 'Incidents, sized by fatalities'), el('ul', {}, sizes),
      el('h3', {}, 'Coloured by event type'), el('ul', {}, colours),
      el('ul', {},
        row(B.groupSymbol(22, '#D55E00', '12'), 'A group of nearby incidents (its commonest type’s colour); select it to list them'),
        row(circle(6, { fill: '#777', 'fill-opacity': 0.35, stroke: '#777', 'stroke-width': 1.5 }), 'A place known only roughly (near a town, or the region)'),
        row(circle(9, { fill: 'none', stroke: '#555', 'stroke-dasharray': '3 3' }), 'Where such an incident may have happened (5, 25 or 100 km); drawn for the one selected when many are in view'),
        row(B.spotSymbol(), 'Incidents at one spot, spread around it')),
      el('h3', {}, 'Borders'),
      el('ul', {},
        row(line({ stroke: '#b30000', 'stroke-width': 2.2 }), 'OpenStreetMap line'),
        row(line({ stroke: '#1f5fbf', 'stroke-width': 1.8, 'stroke-dasharray': '6 5' }), 'Natural Earth line'),
        row(svg(28, 14, ['rect', { x: 1, y: 1, width: 26, height: 12, fill: '#b30000', 'fill-opacity': 0.16 }]), 'Corridor: within the chosen km of the line'),
        row(line({ stroke: '#7a0000', 'stroke-width': 1.5, 'stroke-dasharray': '4 4' }), 'To the nearest OpenStreetMap border point'),
        row(line({ stroke: '#123f80', 'stroke-width': 1.5, 'stroke-dasharray': '1 4' }), 'To the nearest Natural Earth border point')));
  }

  const Legend = L.Control.extend({
    options: { position: 'bottomleft' },
    onAdd() {
      const node = legend();
      // Folded at first, as a GIS legend panel is: one click (or Enter) opens it.
      node.open = false;
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      return node;
    },
  });
  new Legend().addTo(map);
})();

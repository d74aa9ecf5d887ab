// borderline web map: signing in, recording and correcting incidents, their history, and the reviewers' queue.
// It talks to the OGC API (Part 4) with the user's token; app.js hands it the map and its helpers
// (window.borderline). Everything from the data is put on the page as text.
'use strict';

(function () {
  const B = window.borderline;
  const { el, $, map } = B;
  const TOKEN_KEY = 'borderline-token';
  let me = null; // {name, role, may_review}
  let placing = false;

  const headers = (extra) => Object.assign({ Authorization: 'Bearer ' + sessionStorage.getItem(TOKEN_KEY) }, extra || {});
  async function call(method, url, body, extra) {
    const response = await fetch(url, {
      method,
      headers: headers(Object.assign(body ? { 'Content-Type': 'application/json' } : {}, extra)),
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const err = new Error((json && json.description) || response.statusText);
      err.problems = (json && json.problems) || [];
      err.status = response.status;
      throw err;
    }
    return { json, etag: response.headers.get('ETag'), status: response.status };
  }

  // --- signing in ---
  const panel = $('account');
  function drawAccount() {
    const body = $('account-body');
    body.replaceChildren();
    if (!me) {
      const input = el('input', { id: 'token', type: 'password', autocomplete: 'off', placeholder: 'bl_…' });
      const form = el('form', { id: 'sign-in' }, el('label', { for: 'token' }, 'Token'), input, el('button', { type: 'submit' }, 'Sign in'));
      form.addEventListener('submit', async (e) => {
        e.preventDefault();
        sessionStorage.setItem(TOKEN_KEY, input.value.trim());
        await whoAmI(true);
      });
      body.append(form, el('p', { class: 'hint' }, 'Editors and reviewers sign in with the token an admin gave them (borderline users add).'));
      return;
    }
    const out = el('button', { type: 'button' }, 'Sign out');
    out.addEventListener('click', () => { sessionStorage.removeItem(TOKEN_KEY); me = null; drawAccount(); });
    const add = el('button', { type: 'button', id: 'add-incident' }, 'Add an incident');
    add.addEventListener('click', startPlacing);
    body.append(el('p', {}, `Signed in as ${me.name} (${me.role}). `, out), add);
    if (me.may_review) {
      const queue = el('button', { type: 'button', id: 'review-queue' }, 'Review queue');
      queue.addEventListener('click', () => showQueue().catch(report));
      body.append(' ', queue);
    }
    body.append(el('p', { id: 'edit-status', role: 'status', 'aria-live': 'polite' }));
  }
  function say(text) { const s = $('edit-status'); if (s) s.textContent = text; }
  function report(err) { say('Not done: ' + err.message); }
  async function whoAmI(loud) {
    if (!sessionStorage.getItem(TOKEN_KEY)) { me = null; drawAccount(); return; }
    try {
      me = (await call('GET', 'api/me')).json;
    } catch (err) {
      me = null;
      sessionStorage.removeItem(TOKEN_KEY);
      drawAccount();
      if (loud) $('account-body').append(el('p', { role: 'alert' }, 'Sign-in failed: ' + err.message));
      return;
    }
    drawAccount();
  }

  // --- the incident form (new or correction) ---
  const FIELDS = [
    ['event_date', 'Date (YYYY-MM-DD)', 'date', true],
    ['date_start', 'Earliest possible date', 'date'],
    ['date_end', 'Latest possible date', 'date'],
    ['time_precision', 'Date precision', 'select', true, [['1', 'exact day'], ['2', 'within a week'], ['3', 'month only']]],
    ['event_type', 'Event type (ACLED)', 'select', true, B.TYPES.map((t) => [t[0], t[0]])],
    ['sub_event_type', 'Sub-event type', 'text', true],
    ['actor1', 'Actor 1', 'text', true],
    ['actor2', 'Actor 2', 'text'],
    ['fatalities', 'Fatalities (best figure)', 'number'],
    ['fatalities_low', 'Fatalities, at least', 'number'],
    ['fatalities_high', 'Fatalities, at most', 'number'],
    ['location', 'Location as reported', 'text', true],
    ['country', 'Country', 'text', true],
    ['geo_precision', 'Location precision', 'select', true, [['1', 'the place itself'], ['2', 'near the place'], ['3', 'region only']]],
    ['notes', 'What happened (your own words)', 'textarea'],
  ];
  const dialog = $('incident-dialog');
  function fieldInput([name, label, kind, required, options], value) {
    const id = 'f-' + name;
    let input;
    if (kind === 'select') {
      input = el('select', { id, name }, options.map(([v, t]) => el('option', { value: v }, t)));
    } else if (kind === 'textarea') {
      input = el('textarea', { id, name, rows: '3' });
    } else {
      input = el('input', { id, name, type: kind === 'number' ? 'number' : 'text' });
      if (kind === 'number') input.min = '0';
      if (kind === 'date') input.placeholder = 'YYYY-MM-DD';
    }
    if (required) input.required = true;
    if (value !== undefined && value !== null) input.value = String(value);
    return el('div', { class: 'field' }, el('label', { for: id }, label + (required ? ' *' : '')), input, el('span', { class: 'problem', id: id + '-problem' }));
  }
  function openForm({ title, props, lonlat, onSubmit, needsReason }) {
    const sourceBoxes = Object.values(B.sources()).map((d) => {
      const id = 'src-' + d.id;
      const box = el('input', { type: 'checkbox', id, value: d.id });
      box.checked = (props.sources || '').split(';').includes(d.id);
      return el('label', { class: 'inline', for: id }, box, `${d.title} — ${d.outlet}${d.published ? ', ' + d.published : ''}`);
    });
    const form = el('form', { method: 'dialog', id: 'incident-form', novalidate: '' },
      el('h2', {}, title),
      el('p', { class: 'hint' }, `At ${lonlat[1].toFixed(5)}° ${lonlat[1] >= 0 ? 'N' : 'S'}, ${Math.abs(lonlat[0]).toFixed(5)}° ${lonlat[0] >= 0 ? 'E' : 'W'}`),
      FIELDS.map((f) => fieldInput(f, props[f[0]])),
      el('fieldset', { class: 'field' }, el('legend', {}, 'Sources (at least one) *'), sourceBoxes, el('span', { class: 'problem', id: 'f-sources-problem' })),
      needsReason ? fieldInput(['reason', 'Why this correction', 'text', true]) : null,
      el('p', { class: 'problem', id: 'form-problem', role: 'alert' }),
      el('div', { class: 'buttons' }, el('button', { type: 'submit', value: 'save' }, 'Save'), el('button', { type: 'button', id: 'form-cancel' }, 'Cancel')));
    form.querySelector('#form-cancel').addEventListener('click', () => dialog.close());
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const properties = {};
      for (const [name, , kind] of FIELDS) {
        const v = form.elements[name].value.trim();
        properties[name] = v === '' ? null : kind === 'number' || name.endsWith('precision') ? Number(v) : v;
      }
      properties.sources = sourceBoxes.map((l) => l.querySelector('input')).filter((b) => b.checked).map((b) => b.value).join(';');
      for (const p of form.querySelectorAll('.problem')) p.textContent = '';
      try {
        await onSubmit(properties, needsReason ? form.elements.reason.value.trim() : null);
        dialog.close();
      } catch (err) {
        $('form-problem').textContent = err.message;
        for (const p of err.problems || []) {
          const slot = $('f-' + p.field + '-problem') || $('form-problem');
          slot.textContent = (slot.textContent ? slot.textContent + ' ' : '') + p.message;
        }
        const first = form.querySelector('.problem:not(:empty)');
        if (first) first.parentElement.querySelector('input, select, textarea')?.focus();
      }
    });
    dialog.replaceChildren(form);
    dialog.showModal();
    form.querySelector('input, select').focus();
  }

  function startPlacing() {
    placing = true;
    map.getContainer().style.cursor = 'crosshair';
    say('Click the map where it happened (Escape to cancel), or find a place first and click it.');
  }
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && placing) { placing = false; map.getContainer().style.cursor = ''; say(''); } });
  map.on('click', (e) => {
    if (!placing) return;
    placing = false;
    map.getContainer().style.cursor = '';
    const lonlat = [Number(e.latlng.lng.toFixed(6)), Number(e.latlng.lat.toFixed(6))];
    newIncident('New incident (a draft until a reviewer publishes it)', { time_precision: 1, geo_precision: 2 }, lonlat);
  }, { capture: true });

  function newIncident(title, props, lonlat) {
    openForm({
      title,
      props,
      lonlat,
      onSubmit: async (properties) => {
        const { json } = await call('POST', 'ogc/collections/incidents/items', { type: 'Feature', geometry: { type: 'Point', coordinates: lonlat }, properties });
        say(`Recorded ${json.id} as a draft, ${(json.properties.border_distance_m / 1000).toFixed(2)} km from the ${json.properties.border} line.`);
      },
    });
  }
  // A draft read from an article (article.js): the form, pre-filled, for an editor to complete and record; it is
  // a draft until a reviewer publishes it. Returns false when nobody who may record is signed in.
  B.recordDraft = (props, lonlat) => {
    if (!me || me.role === 'viewer') return false;
    newIncident('New incident from the article (a draft until a reviewer publishes it)', props, lonlat);
    return true;
  };

  // --- what the incident popup offers a signed-in user ---
  B.popupExtras = (feature, latlng) => {
    if (!me) return null;
    const id = feature.id;
    const correct = el('button', { type: 'button' }, 'Correct');
    correct.addEventListener('click', async () => {
      const { json, etag } = await call('GET', 'ogc/collections/incidents/items/' + encodeURIComponent(id)).catch((e) => (report(e), {}));
      if (!json) return;
      // An editor's correction of a published incident is proposed: it waits for a reviewer.
      const proposing = json.properties.status === 'published' && !me.may_review;
      openForm({
        title: proposing
          ? `Propose a correction of ${id} (version ${json.properties.version}; a reviewer accepts it)`
          : `Correct ${id} (version ${json.properties.version})`,
        props: json.properties,
        lonlat: json.geometry.coordinates,
        needsReason: true,
        onSubmit: async (properties, reason) => {
          const r = await call('PATCH', 'ogc/collections/incidents/items/' + encodeURIComponent(id), { properties }, { 'If-Match': etag, 'Borderline-Reason': reason });
          if (r.status === 202) {
            say(`Proposed correction #${r.json.proposal} of ${id}: it waits for a reviewer; version ${r.json.replaces} stays until then.`);
            return;
          }
          say(`Saved ${id}: version ${r.json.properties.version}.`);
          B.refresh();
        },
      });
    });
    const history = el('button', { type: 'button' }, 'History');
    const list = el('ol', { class: 'history' });
    history.addEventListener('click', async () => {
      const h = (await call('GET', `ogc/collections/incidents/items/${encodeURIComponent(id)}/history`).catch((e) => (report(e), {}))).json;
      if (!h) return;
      list.replaceChildren(...(h.versions.length ? h.versions.map(describe) : [el('li', {}, 'No change since it was loaded (version 1).')]));
    });
    return el('div', { class: 'edit-actions' }, correct, ' ', history, list);
  };
  function describe(v) {
    const changes = Object.entries(v.changes || {}).map(([field, [a, b]]) => el('li', {}, `${field}: ${show(a)} → ${show(b)}`));
    return el('li', {}, el('strong', {}, `v${v.version} ${v.op}`), ` by ${v.by}, ${v.at.replace('T', ' ').slice(0, 16)} UTC`,
      v.reason ? el('div', {}, 'Why: ' + v.reason) : null, changes.length ? el('ul', {}, changes) : null);
  }
  const show = (x) => (x === null || x === undefined ? '—' : typeof x === 'object' ? JSON.stringify(x) : String(x));

  const facts = (p) => `${(p.border_distance_m / 1000).toFixed(2)} km from the ${p.border} line, ${p.border_side} side of it; in ${p.country_side || 'no country of the data'}`;

  // A proposed correction in the queue: what it changes, on which version, with the border facts it would have.
  function proposalItem(pr) {
    const accept = el('button', { type: 'button' }, 'Accept');
    const decline = el('button', { type: 'button' }, 'Decline');
    const decide = async (what) => {
      const reason = what === 'decline' ? prompt(`Why decline proposal #${pr.proposal}?`) : '';
      if (what === 'decline' && !reason) return;
      try {
        await call('POST', `api/proposals/${pr.proposal}/${what}`, null, reason ? { 'Borderline-Reason': reason } : {});
        say(`Proposal #${pr.proposal} of ${pr.incident}: ${what === 'accept' ? 'accepted' : 'declined'}.`);
      } catch (err) { report(err); }
      B.refresh();
      showQueue(true).catch(report);
    };
    accept.addEventListener('click', () => decide('accept'));
    decline.addEventListener('click', () => decide('decline'));
    if (pr.stale) accept.disabled = true;
    const changes = Object.entries(pr.changes).map(([field, [a, b]]) => el('li', {}, `${field}: ${show(a)} → ${show(b)}`));
    return el('li', {}, el('strong', {}, `#${pr.proposal} to ${pr.incident} (version ${pr.replaces}) by ${pr.proposed_by}`),
      pr.stale ? el('div', { class: 'problem' }, `The incident is now at version ${pr.current_version}: decline this and propose again.`) : null,
      el('div', {}, 'Why: ' + pr.reason), el('ul', {}, changes), el('div', {}, 'Then: ' + facts(pr.feature.properties)),
      el('div', { class: 'buttons' }, accept, ' ', decline));
  }

  // --- the reviewers' queue: drafts with their measured border facts, then proposed corrections ---
  // After a decision the queue is drawn again, unless it was closed meanwhile.
  async function showQueue(again) {
    if (again && !dialog.open) return;
    const { json } = await call('GET', 'ogc/collections/incidents/items?status=draft&limit=100');
    const proposals = (await call('GET', 'api/proposals')).json.proposals;
    const items = json.features.map((f) => {
      const p = f.properties;
      const publish = el('button', { type: 'button' }, 'Publish');
      const reject = el('button', { type: 'button' }, 'Reject');
      const decide = async (what) => {
        const reason = what === 'reject' ? prompt(`Why reject ${f.id}?`) : '';
        if (what === 'reject' && !reason) return;
        try {
          await call('POST', `api/incidents/${encodeURIComponent(f.id)}/${what}`, null, reason ? { 'Borderline-Reason': reason } : {});
          say(`${f.id}: ${what === 'publish' ? 'published' : 'rejected'}.`);
        } catch (err) { report(err); }
        B.refresh();
        showQueue(true).catch(report);
      };
      publish.addEventListener('click', () => decide('publish'));
      reject.addEventListener('click', () => decide('reject'));
      const here = el('button', { type: 'button' }, 'Show');
      here.addEventListener('click', () => { dialog.close(); map.setView([f.geometry.coordinates[1], f.geometry.coordinates[0]], 10); });
      return el('li', {}, el('strong', {}, `${f.id}: ${p.event_type}, ${p.location} (${p.country}), ${p.event_date}`),
        el('div', {}, `${facts(p)}; by ${p.updated_by}`),
        el('div', { class: 'notes' }, p.notes), el('div', { class: 'buttons' }, publish, ' ', reject, ' ', here));
    });
    const close = el('button', { type: 'button' }, 'Close');
    close.addEventListener('click', () => dialog.close());
    dialog.replaceChildren(el('h2', {}, `Drafts to review (${json.numberMatched})`),
      items.length ? el('ol', { class: 'queue' }, items) : el('p', {}, 'No drafts wait for review.'),
      el('h2', {}, `Proposed corrections (${proposals.length})`),
      proposals.length ? el('ol', { class: 'queue proposals' }, proposals.map(proposalItem)) : el('p', {}, 'No correction waits for review.'),
      close);
    if (again && !dialog.open) return;
    if (!dialog.open) dialog.showModal();
  }

  panel.hidden = false;
  whoAmI(false);
})();

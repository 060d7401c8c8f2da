// postmortem's HTML report: reads the JSON data element, draws the swimlane timeline on a
// canvas and the report's sections with DOM APIs. Evidence text is only ever set through
// textContent; nothing is parsed as markup and nothing is fetched.
'use strict';
(function () {
  const data = JSON.parse(document.getElementById('pm-data').textContent);
  const report = data.report;
  const refs = data.refs;
  const S = data.strings;
  const E = data.events;
  const N = E.lane.length;
  const DATED = E.dt.length;

  // ---- helpers -------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function add(parent, ...children) {
    for (const c of children) parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    return parent;
  }
  /** A count with thousands separators (834,067). */
  const thousands = (n) => Number(n).toLocaleString('en-US');
  /** Appends one node and returns it (add returns the parent). */
  function child(parent, node) {
    parent.appendChild(node);
    return node;
  }
  const pad = (n, w) => String(n).padStart(w, '0');

  // Times: microseconds since the first dated event (T), absolute = E.t0 + T.
  const T = new Float64Array(DATED);
  {
    let acc = 0;
    for (let i = 0; i < DATED; i++) { acc += E.dt[i]; T[i] = acc; }
  }
  function isoTime(offset) {
    const abs = E.t0 + offset;
    const ms = Math.floor(abs / 1000);
    const iso = new Date(ms).toISOString();
    return iso.slice(0, 10) + ' ' + iso.slice(11, 23) + pad(abs - ms * 1000, 3);
  }
  const shortTime = (offset) => isoTime(offset).slice(0, 19);
  const eventTime = (i) => (i < DATED ? isoTime(T[i]) : 'undated');
  const cite = (i) => S.file[E.file[i]] + ':' + E.line[i];
  function fieldsOf(i) {
    const pairs = E.fields[i] || [];
    const fields = {};
    for (let k = 0; k < pairs.length; k += 2) fields[S.field_key[pairs[k]]] = S.field_value[pairs[k + 1]];
    return fields;
  }
  const firstLine = (i) => String(E.message[i]).split('\n', 1)[0];

  // Evidence of the findings: which events, and for which rule.
  const evidenceOf = new Map();
  refs.root_causes.forEach((list, f) => {
    for (const i of list) {
      if (!evidenceOf.has(i)) evidenceOf.set(i, []);
      evidenceOf.get(i).push(report.root_causes[f].id);
    }
  });

  // ---- lanes ---------------------------------------------------------------------------
  const LANE_H = 26;
  const AXIS_H = 28;
  const PALETTE = ['#1c7ed6', '#2b8a3e', '#7048e8', '#c2255c', '#0b7285', '#5c940d',
    '#862e9c', '#364fc7', '#087f5b', '#a61e4d', '#495057', '#1864ab', '#66a80f', '#9c36b5'];
  const lanes = data.lanes.map((lane, n) => ({ label: lane.label, kind: lane.kind, color: PALETTE[n % PALETTE.length], all: [] }));
  for (const lane of lanes) lane.undated = [];
  for (let i = DATED; i < N; i++) {
    lanes[E.lane[i]].undated.push(i);
    if (E.app[i] >= 0) lanes[E.app[i]].undated.push(i);
  }
  for (let i = 0; i < DATED; i++) {
    lanes[E.lane[i]].all.push(i);
    if (E.app[i] >= 0) lanes[E.app[i]].all.push(i);
  }
  for (const lane of lanes) { lane.all = Int32Array.from(lane.all); lane.shown = lane.all; lane.evidence = []; }

  // ---- filter --------------------------------------------------------------------------
  let haystack = null;
  function buildHaystack() {
    haystack = new Array(N);
    for (let i = 0; i < N; i++) {
      haystack[i] = [E.message[i], S.kind[E.kind[i]], lanes[E.lane[i]].label, cite(i),
        E.process[i] >= 0 ? S.process[E.process[i]] : '', E.user[i] >= 0 ? S.user[E.user[i]] : '',
        E.host[i] >= 0 ? S.host[E.host[i]] : ''].join('\u0000').toLowerCase();
    }
  }
  let query = '';
  let evidenceOnly = false;
  let shownAll = null; // dated events passing the filter, in time order
  let undatedShown = 0;
  function matches(i) {
    if (evidenceOnly && !evidenceOf.has(i)) return false;
    return query === '' || haystack[i].indexOf(query) >= 0;
  }
  function applyFilter() {
    if (query !== '' && haystack === null) buildHaystack();
    const keep = new Uint8Array(N);
    const all = [];
    for (let i = 0; i < N; i++) {
      if (matches(i)) { keep[i] = 1; if (i < DATED) all.push(i); }
    }
    shownAll = Int32Array.from(all);
    undatedShown = 0;
    for (let i = DATED; i < N; i++) undatedShown += keep[i];
    for (const lane of lanes) {
      lane.shown = lane.all.filter((i) => keep[i] === 1);
      lane.evidence = Array.from(lane.shown).filter((i) => evidenceOf.has(i));
    }
    for (const [n, lane] of lanes.entries()) {
      const undated = lane.undated.filter((i) => keep[i] === 1).length;
      const hidden = notDrawn[n] ? ' + ' + thousands(notDrawn[n]) + ' not drawn' : '';
      labelCounts[n].textContent = '(' + lane.shown.length + (undated ? ' + ' + undated + ' undated' : '') + hidden + ')';
    }
  }

  // ---- view ----------------------------------------------------------------------------
  const canvas = $('canvas');
  const ctx = canvas.getContext('2d');
  const MIN_SPAN = 1000; // 1 ms
  const last = DATED > 0 ? T[DATED - 1] : 0;
  const fullPad = Math.max((last - 0) * 0.02, 30e6);
  const extent = [0 - fullPad, last + fullPad];
  let v0 = extent[0];
  let v1 = extent[1];
  let width = 800;
  let selected = -1;

  function lowerBound(arr, t, lo, hi) {
    lo = lo || 0; hi = hi === undefined ? arr.length : hi;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (T[arr[mid]] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  const xOf = (t) => ((t - v0) / (v1 - v0)) * width;
  const tOf = (x) => v0 + (x / width) * (v1 - v0);

  function setView(a, b) {
    let span = Math.max(b - a, MIN_SPAN);
    const maxSpan = (extent[1] - extent[0]) * 4;
    if (span > maxSpan) span = maxSpan;
    const mid = (a + b) / 2;
    v0 = mid - span / 2;
    v1 = mid + span / 2;
    schedule();
  }
  function zoom(factor, atX) {
    const t = tOf(atX === undefined ? width / 2 : atX);
    setView(t - (t - v0) * factor, t + (v1 - t) * factor);
  }

  const STEPS = [1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 15e6, 3e7, 6e7, 12e7, 3e8, 6e8,
    9e8, 18e8, 36e8, 72e8, 108e8, 216e8, 432e8, 864e8, 1728e8, 6048e8, 12096e8, 25920e8];
  function draw() {
    const dpr = window.devicePixelRatio || 1;
    width = Math.max(canvas.parentElement.clientWidth, 100);
    const height = AXIS_H + lanes.length * LANE_H;
    if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
      canvas.width = Math.round(width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.height = height + 'px';
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, height);
    for (let n = 0; n < lanes.length; n++) {
      ctx.fillStyle = n % 2 ? '#f8f9fa' : '#ffffff';
      ctx.fillRect(0, AXIS_H + n * LANE_H, width, LANE_H);
    }
    // The incident window.
    if (data.window) {
      const a = Math.max(xOf(data.window.start), -1);
      const b = Math.min(xOf(data.window.end), width + 1);
      if (b > a) {
        ctx.fillStyle = 'rgba(224, 49, 49, 0.10)';
        ctx.fillRect(a, 0, Math.max(b - a, 1), height);
        ctx.fillStyle = 'rgba(224, 49, 49, 0.7)';
        ctx.fillRect(a, 0, 1, height);
        if (data.window.restored) ctx.fillRect(b - 1, 0, 1, height);
      }
    }
    if (DATED === 0) {
      $('range').textContent = 'No dated events to draw; the ' + undatedShown + ' undated ones are listed below.';
      clearTimeout(tableTimer);
      tableTimer = setTimeout(fillEventTable, 120);
      return;
    }
    // The time axis.
    const span = v1 - v0;
    const step = STEPS.find((s) => span / s <= width / 120) || STEPS[STEPS.length - 1];
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const first = Math.ceil((E.t0 + v0) / step) * step - E.t0;
    for (let t = first; t <= v1; t += step) {
      const x = Math.round(xOf(t)) + 0.5;
      ctx.fillStyle = '#dee2e6';
      ctx.fillRect(x, AXIS_H - 6, 1, height);
      const text = isoTime(t);
      const midnight = text.slice(11, 23) === '00:00:00.000';
      const label = step >= 864e8 || midnight ? text.slice(0, 10) : step >= 1e6 ? text.slice(11, 19) : text.slice(11, 23);
      ctx.fillStyle = '#495057';
      ctx.fillText(label, x + 3, AXIS_H / 2);
    }
    $('axis-date').textContent = isoTime(v0).slice(0, 10) + ' (UTC)';
    // Events, counted per bin of BIN pixels: a tick for a lone event, a taller bar for many.
    const BIN = 3;
    const bins = new Uint32Array(Math.ceil(width / BIN) + 1);
    let inView = 0;
    for (let n = 0; n < lanes.length; n++) {
      const lane = lanes[n];
      const y = AXIS_H + n * LANE_H;
      const arr = lane.shown;
      const lo = lowerBound(arr, v0);
      const hi = lowerBound(arr, v1);
      if (lane.kind === 'source') inView += hi - lo;
      bins.fill(0);
      if (hi - lo <= 4 * bins.length) {
        for (let k = lo; k < hi; k++) bins[Math.floor(xOf(T[arr[k]]) / BIN)]++;
      } else {
        // Many events: count each bin by binary search, independent of how many there are.
        for (let b = 0, a = lo; b < bins.length && a < hi; b++) {
          const next = lowerBound(arr, tOf((b + 1) * BIN), a, hi);
          bins[b] = next - a;
          a = next;
        }
      }
      // A histogram on a log scale against the fullest bin in view: a lone event is a full
      // tick when nothing is denser and never shorter than a third of the lane.
      let most = 0;
      for (let b = 0; b < bins.length; b++) if (bins[b] > most) most = bins[b];
      const tall = LANE_H - 10;
      const lone = most === 1 ? tall : 8;
      ctx.fillStyle = lane.color;
      for (let b = 0; b < bins.length; b++) {
        if (bins[b] === 0) continue;
        const h = bins[b] === 1 ? lone : lone + ((tall - lone) * Math.log2(bins[b])) / Math.log2(most);
        ctx.fillRect(b * BIN, y + LANE_H - 5 - h, bins[b] === 1 ? 2 : BIN - 0.5, h);
      }
      for (const i of lane.evidence) {
        const x = xOf(T[i]);
        if (x < -5 || x > width + 5) continue;
        ctx.fillStyle = '#e8590c';
        ctx.beginPath();
        ctx.moveTo(x, y + 3); ctx.lineTo(x + 5, y + LANE_H / 2); ctx.lineTo(x, y + LANE_H - 3); ctx.lineTo(x - 5, y + LANE_H / 2);
        ctx.closePath();
        ctx.fill();
      }
      if (selected >= 0 && selected < DATED && (E.lane[selected] === n || E.app[selected] === n)) {
        const x = xOf(T[selected]);
        ctx.strokeStyle = '#1d232b';
        ctx.lineWidth = 2;
        ctx.beginPath();
        ctx.arc(x, y + LANE_H / 2, 7, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    $('range').textContent = shortTime(v0) + ' \u2013 ' + shortTime(v1).slice(11) + ' UTC \u00b7 ' +
      inView + ' of ' + shownAll.length + ' shown events in view \u00b7 ' + N + ' events in all' +
      (undatedShown ? ' (' + undatedShown + ' undated shown in the table)' : '');
    // The table follows once the view rests: rebuilding hundreds of rows per frame would make
    // zooming and panning stutter.
    clearTimeout(tableTimer);
    tableTimer = setTimeout(fillEventTable, 120);
  }
  let tableTimer = 0;
  let pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; draw(); });
  }

  // ---- the events table: what is in view, at most MAX_ROWS ----------------------------------
  const MAX_ROWS = 400;
  function fillEventTable() {
    const body = $('events').tBodies[0];
    const rows = [];
    const lo = lowerBound(shownAll, v0);
    const hi = lowerBound(shownAll, v1);
    for (let k = lo; k < hi && rows.length < MAX_ROWS; k++) rows.push(shownAll[k]);
    if (rows.length < MAX_ROWS && undatedShown) {
      for (let i = DATED; i < N && rows.length < MAX_ROWS; i++) if (matches(i)) rows.push(i);
    }
    const frag = document.createDocumentFragment();
    for (const i of rows) {
      const tr = el('tr', evidenceOf.has(i) ? 'evidence' : '');
      if (i === selected) tr.classList.add('selected');
      tr.dataset.event = String(i);
      add(tr, el('td', '', eventTime(i)), el('td', '', lanes[E.lane[i]].label), el('td', '', S.kind[E.kind[i]]),
        el('td', '', cite(i)), el('td', '', firstLine(i)));
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
    const total = hi - lo;
    $('events-summary').textContent = 'Events in view: ' + total + (undatedShown ? ' (and ' + undatedShown + ' undated)' : '') +
      (total + undatedShown > MAX_ROWS ? ' (the first ' + MAX_ROWS + ' listed; zoom in or filter for the rest)' : '');
  }
  $('events').tBodies[0].addEventListener('click', (ev) => {
    const tr = ev.target.closest('tr');
    if (tr && tr.dataset.event !== undefined) select(Number(tr.dataset.event), false);
  });

  // ---- the selected event --------------------------------------------------------------
  function select(i, center) {
    selected = i;
    if (center && i < DATED) {
      if (!matches(i)) { query = ''; evidenceOnly = false; $('filter').value = ''; $('evidence-only').checked = false; applyFilter(); }
      const span = Math.min(v1 - v0, 10 * 60e6);
      setView(T[i] - span / 2, T[i] + span / 2);
    }
    const dl = $('detail-fields');
    dl.replaceChildren();
    const row = (name, value) => { if (value !== null && value !== undefined && value !== '') add(dl, el('dt', '', name), el('dd', '', value)); };
    row('time (UTC)', eventTime(i));
    row('source', lanes[E.lane[i]].label + ' / ' + S.kind[E.kind[i]]);
    row('file:line', cite(i));
    row('sha256', S.sha256[E.file[i]]);
    row('host', E.host[i] >= 0 ? S.host[E.host[i]] : '');
    row('process', E.process[i] >= 0 ? S.process[E.process[i]] : '');
    row('application', E.app[i] >= 0 ? lanes[E.app[i]].label : '');
    row('user', E.user[i] >= 0 ? S.user[E.user[i]] : '');
    row('pid', E.pid[i]);
    row('evidence for', evidenceOf.has(i) ? evidenceOf.get(i).join(', ') : '');
    const raw = E.raw[i];
    $('detail-raw').textContent = raw === null ? '' : Array.isArray(raw) ? raw[0] + E.message[i] : raw;
    $('detail-raw-box').hidden = raw === null;
    $('detail-line').textContent = E.message[i];
    $('detail-extra').textContent = E.fields[i] ? JSON.stringify(fieldsOf(i), null, 2) : '';
    $('detail-extra-box').hidden = !E.fields[i];
    $('detail').hidden = false;
    schedule();
  }
  $('detail-close').addEventListener('click', () => { $('detail').hidden = true; selected = -1; schedule(); });
  function focusEvent(i) {
    select(i, true);
    $('timeline-section').scrollIntoView({ block: 'start' });
  }

  // ---- pointer, wheel, keys, buttons -----------------------------------------------------
  function hit(x, y) {
    const n = Math.floor((y - AXIS_H) / LANE_H);
    if (n < 0 || n >= lanes.length) return -1;
    const arr = lanes[n].shown;
    const tol = (6 / width) * (v1 - v0);
    const t = tOf(x);
    let best = -1;
    let bestD = Infinity;
    for (let k = lowerBound(arr, t - tol); k < arr.length && T[arr[k]] <= t + tol; k++) {
      const d = Math.abs(T[arr[k]] - t) - (evidenceOf.has(arr[k]) ? tol / 2 : 0);
      if (d < bestD) { bestD = d; best = arr[k]; }
    }
    return best;
  }
  let drag = null;
  canvas.addEventListener('pointerdown', (ev) => {
    drag = { x: ev.clientX, v0, v1, moved: false };
    canvas.setPointerCapture(ev.pointerId);
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x;
    if (Math.abs(dx) > 3) { drag.moved = true; canvas.classList.add('dragging'); }
    if (drag.moved) {
      const dt = (dx / width) * (drag.v1 - drag.v0);
      setView(drag.v0 - dt, drag.v1 - dt);
    }
  });
  canvas.addEventListener('pointerup', (ev) => {
    if (drag && !drag.moved) {
      const r = canvas.getBoundingClientRect();
      const i = hit(ev.clientX - r.left, ev.clientY - r.top);
      if (i >= 0) select(i, false);
    }
    drag = null;
    canvas.classList.remove('dragging');
  });
  canvas.addEventListener('wheel', (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    if (ev.shiftKey || Math.abs(ev.deltaX) > Math.abs(ev.deltaY)) {
      const d = (ev.deltaX || ev.deltaY) / width * (v1 - v0);
      setView(v0 + d, v1 + d);
    } else {
      zoom(Math.exp(ev.deltaY * 0.002), ev.clientX - r.left);
    }
  }, { passive: false });
  canvas.addEventListener('keydown', (ev) => {
    const pan = (v1 - v0) * 0.2;
    if (ev.key === '+' || ev.key === '=') zoom(0.5);
    else if (ev.key === '-') zoom(2);
    else if (ev.key === 'ArrowLeft') setView(v0 - pan, v1 - pan);
    else if (ev.key === 'ArrowRight') setView(v0 + pan, v1 + pan);
    else return;
    ev.preventDefault();
  });
  function incidentView() {
    if (!data.window) return setView(extent[0], extent[1]);
    const w = data.window;
    const padding = Math.max((w.end - w.start) * 0.15, 60e6);
    setView(w.start - padding, w.end + padding);
  }
  $('zoom-in').addEventListener('click', () => zoom(0.5));
  $('zoom-out').addEventListener('click', () => zoom(2));
  $('zoom-all').addEventListener('click', () => setView(extent[0], extent[1]));
  $('zoom-incident').addEventListener('click', incidentView);
  $('zoom-incident').disabled = !data.window;
  let filterTimer = 0;
  $('filter').addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => { query = $('filter').value.trim().toLowerCase(); applyFilter(); schedule(); }, 120);
  });
  $('evidence-only').addEventListener('change', () => { evidenceOnly = $('evidence-only').checked; applyFilter(); schedule(); });
  window.addEventListener('resize', schedule);

  // ---- lane labels ---------------------------------------------------------------------
  // Large evidence: the page draws the events the analysis reads; the rest are counted.
  const notDrawn = {};
  if (data.not_drawn) {
    for (const [lane, count] of data.not_drawn.lanes) notDrawn[lane] = count;
    const kinds = data.not_drawn.kinds.map(([source, kind, n]) => source + ' ' + kind + ': ' + thousands(n)).join(', ');
    $('legend').after(el('p', 'not-drawn', 'This evidence is large: the timeline draws the ' + thousands(N) +
      ' events the analysis reads; ' + thousands(data.not_drawn.total) + ' background records are counted, not drawn (' +
      kinds + '). Every event is in timeline.jsonl (analyze --out DIR) or postmortem timeline.'));
  }
  const labels = $('lane-labels');
  child(labels, el('div', 'axis-spacer')).id = 'axis-date';
  const labelCounts = lanes.map((lane) => {
    const div = el('div', 'lane-label ' + lane.kind);
    div.title = (lane.kind === 'application' ? 'application ' : 'source ') + lane.label;
    const swatch = el('span', 'swatch');
    swatch.style.background = lane.color;
    const count = el('span', 'count');
    add(labels, add(div, swatch, el('span', 'name', lane.label), count));
    return count;
  });

  // ---- the report's sections ---------------------------------------------------------------
  function citeButton(i, text) {
    if (i === null || i === undefined) return el('span', 'muted', text || 'not in the evidence');
    const b = el('button', 'cite', text || cite(i));
    b.type = 'button';
    b.dataset.event = String(i);
    b.title = 'Show on the timeline';
    return b;
  }
  function table(headers, rows) {
    const t = el('table');
    add(t.createTHead().insertRow(), ...headers.map((h) => el('th', '', h)));
    const body = t.createTBody();
    for (const r of rows) {
      const tr = body.insertRow();
      for (const cell of r) add(tr, cell instanceof Node ? add(el('td'), cell) : el('td', '', cell));
    }
    return t;
  }
  function section(title, id) {
    const s = el('section');
    s.id = id;
    add(s, el('h2', '', title));
    $('sections').appendChild(s);
    return s;
  }
  const duration = (secs) => secs < 120 ? secs + ' s' : secs < 7200 ? Math.floor(secs / 60) + ' min' :
    Math.floor(secs / 3600) + ' h ' + Math.floor((secs % 3600) / 60) + ' min';
  const when = (t) => (t ? t.slice(0, 10) + ' ' + t.slice(11, 19) : '\u2014');

  document.title = 'Incident report: ' + data.title;
  $('title').textContent = 'Incident report: ' + data.title;
  {
    const s = $('summary');
    add(s, el('span', 'badge ' + report.severity, report.severity));
    const inc = report.incident;
    add(s, inc.start ? 'Incident (UTC): ' + when(inc.start) + ' \u2013 ' +
      (inc.end ? when(inc.end) : 'not restored by the end of the evidence') : 'No incident found in the evidence.');
    const counted = data.not_drawn ? ' drawn, ' + thousands(data.not_drawn.total) + ' counted' : '';
    add(s, ' \u00b7 ' + report.inputs.length + ' inputs, ' + N + ' events' + counted);
  }

  {
    const s = section('Root causes', 'findings');
    if (report.root_causes.length === 0) add(s, el('p', 'muted', 'No rule reached confidence 0.5; see Ruled out for what each missed.'));
    const ol = child(s, el('ol'));
    report.root_causes.forEach((f, n) => {
      const li = el('li', 'finding');
      li.id = 'finding-' + n;
      add(li, el('strong', '', f.title), ' ', el('code', '', f.id), ' ', el('span', 'muted', 'confidence ' + f.confidence.toFixed(2)));
      const ul = el('ul');
      for (const what of refs.found[n] || []) add(ul, el('li', '', 'found: ' + what));
      for (const what of f.missing) add(ul, el('li', 'muted', 'missing: ' + what));
      add(li, ul);
      add(li, el('div', 'muted', 'Evidence:'));
      const ev = el('ul');
      refs.root_causes[n].forEach((i) => add(ev, add(el('li', 'evidence-line'), citeButton(i), ' ', eventTime(i) + '  ' + firstLine(i))));
      add(li, ev);
      if (f.prevention) add(li, el('div', '', 'Prevention: ' + f.prevention));
      ol.appendChild(li);
    });
  }
  if (report.incident.processes.length) {
    const s = section('Processes down', 'processes');
    add(s, table(['process', 'application', 'environment', 'down at (UTC)', 'back at (UTC)', 'downtime'],
      report.incident.processes.map((p, n) => [p.process, p.application, p.environment,
        citeButton(refs.processes[n][0], when(p.down_at)), citeButton(refs.processes[n][1], p.up_at ? when(p.up_at) : 'not restored'),
        duration(p.downtime_seconds)])));
  }
  {
    const s = section('Timing (runbook Step 5)', 'timing');
    add(s, table(['event', 'time (UTC)', 'source'], report.timing.map((r, n) =>
      [r.event, when(r.time), citeButton(refs.timing[n], r.source || 'not in the evidence')])));
  }
  if (report.response.length) {
    const s = section('Response (after the incident began)', 'response');
    add(s, table(['time (UTC)', 'user', 'source', 'text'], report.response.map((a, n) =>
      [when(a.time), a.user || '?', citeButton(refs.response[n]), a.text])));
  }
  if (report.restoration.length) {
    const s = section('Restoration plan (still down at the end of the evidence)', 'restoration');
    add(s, table(['application', 'environment', 'processes', 'directory', 'config', 'health'], report.restoration.map((r) =>
      [r.application, r.environment, r.processes.join(', '), r.directory || '[directory]', r.config || '[ecosystem file]', r.health || '[health URL]'])));
  }
  {
    const s = section('Verification checklist (against the latest evidence)', 'verification');
    const ul = child(s, el('ul'));
    for (const c of report.verification) add(ul, add(el('li'), el('span', 'state-' + c.state, c.state), ' ' + c.item + ': ' + c.why));
  }
  {
    const s = section('Ruled out', 'ruled-out');
    add(s, table(['rule', 'confidence', 'why'], report.ruled_out.map((f) => [f.id, f.confidence.toFixed(2), f.why])));
  }
  {
    const s = section('Evidence', 'inputs');
    add(s, table(['input', 'format', 'sha256', 'lines', 'events', 'unparsed'], report.inputs.map((i) =>
      [i.path, i.format || '', i.sha256, i.lines, i.events, i.unparsed])));
    if (report.assumptions.length) {
      add(s, el('h3', '', 'Assumptions'));
      const ul = child(s, el('ul'));
      for (const a of report.assumptions) add(ul, el('li', '', a));
    }
    add(s, el('h3', '', 'Produced by'));
    const ul = child(s, el('ul'));
    add(ul, el('li', '', 'postmortem ' + data.version));
    for (const [k, v] of data.options) add(ul, el('li', '', k + ': ' + v));
  }
  $('sections').addEventListener('click', (ev) => {
    const b = ev.target.closest('button.cite');
    if (b && b.dataset.event !== undefined) focusEvent(Number(b.dataset.event));
  });

  applyFilter();
  incidentView();
  document.body.dataset.ready = 'true';
})();

// The Conclave console: polls /status/console about once a second and draws the nodes, the
// keyspace as ranges (coloured by leaseholder, sized by data or load), recent splits, load charts
// and running statements. Plain DOM and canvas; nothing is fetched from outside the node.
'use strict';

const POLL_MS = 1000;        // at least; a cluster whose answer takes longer is polled less often (see poll)
const MAX_POINTS = 300;      // per node, as many as a node keeps (five minutes)
const MAX_SPLITS_SHOWN = 20;
const FRESH_SPLIT_MS = 10000; // ranges created by a split this recent are marked
const DENSE_RANGES = 150;     // above this many ranges the bar drops its labels and borders

const state = {
  since: 0,                  // the newest time-series point received, so each poll brings only new ones
  series: new Map(),         // node id -> array of points [at_ms, sql_qps, kv_qps, sql_p99, kv_p99, cw_p99, restarts]
  selected: null,            // range id shown in the detail panel
  lastConsole: null,
  sizeBy: 'bytes',
};

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function nodeColour(id) {
  if (!id) return '#9aa3b2';
  return 'hsl(' + ((id * 137.508) % 360).toFixed(0) + ', 62%, 46%)';
}

function bytes(n) {
  if (n == null) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

function ago(ms) {
  const s = Math.max(0, (Date.now() - ms) / 1000);
  return s < 60 ? s.toFixed(0) + ' s ago' : (s / 60).toFixed(0) + ' min ago';
}

async function getJson(url) {
  const r = await fetch(url, { cache: 'no-store' });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}

function renderNodes(c) {
  const running = new Map();
  for (const row of c.local) running.set(row.node_id, row.page ? row.page.statements.statements.length : null);
  const unreachable = new Set(c.local.filter(r => r.error).map(r => r.node_id));
  const tbody = document.querySelector('#nodes tbody');
  tbody.replaceChildren(...c.nodes.nodes.map(n => {
    const health = !n.live ? el('span', { class: 'dead' }, 'dead')
      : unreachable.has(n.node_id) ? el('span', { class: 'dead' }, 'live, status unreachable')
      : el('span', { class: 'live' }, 'live');
    const offset = n.clock_offset_ms == null ? '—' : n.clock_offset_ms.toFixed(1) + ' ± ' + n.clock_offset_error_ms.toFixed(1) + ' ms';
    return el('tr', { 'data-node-id': n.node_id, class: n.live ? 'node live-node' : 'node dead-node' },
      el('td', {}, el('span', { class: 'swatch' }, 'n' + n.node_id)),
      el('td', {}, n.address), el('td', {}, health),
      el('td', { class: 'num' }, n.replicas), el('td', { class: 'num' }, n.leases),
      el('td', {}, n.node_id === c.node_id ? '(this node)' : offset),
      el('td', { class: 'num' }, running.get(n.node_id) ?? '?'));
  }));
  for (const sw of tbody.querySelectorAll('.swatch')) {
    sw.style.background = nodeColour(Number(sw.closest('tr').dataset.nodeId));
  }
  const none = el('span', { class: 'swatch' }, 'no valid lease');
  none.style.background = nodeColour(0);
  document.getElementById('legend').replaceChildren(...c.nodes.nodes.map(n => {
    const s = el('span', { class: 'swatch' }, 'n' + n.node_id);
    s.style.background = nodeColour(n.node_id);
    return s;
  }), none);
}

function recentSplits(c) {
  const all = [];
  for (const row of c.local) {
    if (!row.page) continue;
    for (const s of row.page.splits.splits) all.push(Object.assign({ led_by: row.node_id }, s));
  }
  all.sort((a, b) => b.at_ms - a.at_ms);
  return all;
}

function renderKeyspace(c, splits) {
  const ranges = c.ranges.ranges;
  const fresh = new Set(splits.filter(s => Date.now() - s.at_ms < FRESH_SPLIT_MS).map(s => s.new_range_id));
  const weight = r => state.sizeBy === 'qps' ? (r.qps || 0) : (r.size_bytes || 0);
  const total = ranges.reduce((a, r) => a + weight(r), 0);
  const box = document.getElementById('keyspace');
  box.classList.toggle('dense', ranges.length > DENSE_RANGES);
  box.replaceChildren(...ranges.map(r => {
    // Every range keeps a sliver, so an empty or idle range can still be seen and clicked.
    const grow = total > 0 ? 1 + 99 * weight(r) / total : 1;
    const d = el('div', {
      class: 'range' + (r.range_id === state.selected ? ' selected' : '') + (fresh.has(r.range_id) ? ' fresh' : ''),
      'data-range-id': r.range_id,
      'data-leaseholder': r.leaseholder ?? 0,
      title: 'range ' + r.range_id + ' [' + r.start_key + ', ' + r.end_key + ')\nleaseholder ' + (r.leaseholder ?? 'unknown')
        + '\n' + bytes(r.size_bytes) + ', ' + (r.qps ?? 0) + ' req/s',
    }, 'r' + r.range_id);
    d.style.flexGrow = grow.toFixed(3);
    d.style.background = nodeColour(r.leaseholder);
    d.addEventListener('click', () => {
      state.selected = r.range_id;
      history.replaceState(null, '', '#range=' + r.range_id); // a link to this view
      renderKeyspace(state.lastConsole, splits);
      refreshDetail();
    });
    return d;
  }));
  document.getElementById('range-count').textContent = '(' + ranges.length + ' ranges)';
}

function renderSplits(splits) {
  const tbody = document.querySelector('#splits tbody');
  tbody.replaceChildren(...splits.slice(0, MAX_SPLITS_SHOWN).map(s =>
    el('tr', { class: 'split', 'data-range-id': s.range_id, 'data-new-range-id': s.new_range_id },
      el('td', {}, ago(s.at_ms)), el('td', {}, 'r' + s.range_id), el('td', {}, 'r' + s.new_range_id),
      el('td', {}, el('code', {}, s.split_key)), el('td', {}, 'n' + s.led_by))));
  if (splits.length === 0) tbody.replaceChildren(el('tr', {}, el('td', { class: 'muted', colSpan: 5 }, 'no splits since the nodes started')));
}

function renderStatements(c) {
  const rows = [];
  for (const row of c.local) {
    if (!row.page) continue;
    for (const s of row.page.statements.statements) rows.push(Object.assign({ node: row.node_id }, s));
  }
  rows.sort((a, b) => b.elapsed_ms - a.elapsed_ms);
  const tbody = document.querySelector('#statements tbody');
  tbody.replaceChildren(...rows.map(s => el('tr', { class: 'statement' },
    el('td', {}, 'n' + s.node), el('td', { class: 'num' }, s.elapsed_ms.toFixed(0) + ' ms'),
    el('td', {}, s.client), el('td', {}, el('code', {}, s.sql)))));
  if (rows.length === 0) tbody.replaceChildren(el('tr', {}, el('td', { class: 'muted', colSpan: 4 }, 'none')));
}

function addSeries(c) {
  for (const row of c.local) {
    if (!row.page) continue;
    const points = row.page.timeseries.points;
    if (!state.series.has(row.node_id)) state.series.set(row.node_id, []);
    const s = state.series.get(row.node_id);
    for (const p of points) {
      if (s.length === 0 || p[0] > s[s.length - 1][0]) s.push(p);
    }
    while (s.length > MAX_POINTS) s.shift();
  }
  let newest = state.since;
  for (const s of state.series.values()) if (s.length) newest = Math.max(newest, s[s.length - 1][0]);
  // Each node has its own clock: ask again from a little before the newest point seen anywhere.
  state.since = Math.max(0, newest - 5000);
}

function drawChart(id, column) {
  const canvas = document.getElementById(id);
  const g = canvas.getContext('2d');
  const w = canvas.width, h = canvas.height, left = 44, bottom = 16;
  g.clearRect(0, 0, w, h);
  let tMax = 0, yMax = 0;
  for (const s of state.series.values()) {
    for (const p of s) {
      tMax = Math.max(tMax, p[0]);
      if (p[column] != null) yMax = Math.max(yMax, p[column]);
    }
  }
  if (tMax === 0) return;
  const tMin = tMax - MAX_POINTS * 1000;
  yMax = yMax > 0 ? yMax * 1.1 : 1;
  g.strokeStyle = '#d5d9e0';
  g.fillStyle = '#7a8496';
  g.font = '11px system-ui, sans-serif';
  for (let i = 0; i <= 2; i++) {
    const y = (h - bottom) * (1 - i / 2);
    g.beginPath(); g.moveTo(left, y); g.lineTo(w, y); g.stroke();
    g.fillText((yMax * i / 2).toPrecision(3), 2, Math.max(10, y - 2));
  }
  g.fillText('-5 min', left, h - 3);
  g.fillText('now', w - 24, h - 3);
  for (const [node, s] of state.series) {
    g.strokeStyle = nodeColour(node);
    g.lineWidth = 1.5;
    g.beginPath();
    let pen = false;
    for (const p of s) {
      if (p[column] == null) { pen = false; continue; }
      const x = left + (w - left) * (p[0] - tMin) / (tMax - tMin);
      const y = (h - bottom) * (1 - p[column] / yMax);
      if (pen) g.lineTo(x, y); else g.moveTo(x, y);
      pen = true;
    }
    g.stroke();
  }
}

function renderCharts() {
  drawChart('chart-sql-qps', 1);
  drawChart('chart-kv-qps', 2);
  drawChart('chart-sql-p99', 3);
  drawChart('chart-commit-wait', 5);
}

async function refreshDetail() {
  const id = state.selected;
  if (id == null) return;
  document.getElementById('detail-id').textContent = 'r' + id;
  const box = document.getElementById('range-detail');
  let d;
  try {
    d = await getJson('/status/range?id=' + id);
  } catch (e) {
    box.replaceChildren(el('span', { class: 'dead' }, 'cannot read range ' + id + ': ' + e.message));
    return;
  }
  const splits = state.lastConsole ? recentSplits(state.lastConsole).filter(s => s.range_id === id || s.new_range_id === id) : [];
  box.className = '';
  box.replaceChildren(
    el('p', {}, 'span [', el('code', {}, d.start_key ?? '?'), ', ', el('code', {}, d.end_key ?? '?'), ')  · generation ',
      d.generation ?? '?', ' · leaseholder ', d.leaseholder == null ? 'none valid' : 'n' + d.leaseholder),
    el('table', { id: 'replicas' },
      el('thead', {}, el('tr', {}, ...['replica on', 'Raft leader', 'term', 'commit', 'applied', 'last index', 'voters',
        'learners', 'lease holder (seq)', 'lease expires', 'size', 'req/s', 'quiesced'].map(t => el('th', {}, t)))),
      el('tbody', {}, ...d.replicas.map(r => el('tr', { 'data-node-id': r.node_id },
        el('td', {}, 'n' + r.node_id), el('td', {}, r.raft_leader ? 'n' + r.raft_leader : 'none'),
        el('td', { class: 'num' }, r.term), el('td', { class: 'num' }, r.commit), el('td', { class: 'num' }, r.applied),
        el('td', { class: 'num' }, r.last_index), el('td', {}, r.voters.join(', ')), el('td', {}, r.learners.join(', ') || '—'),
        el('td', {}, r.lease_holder ? 'n' + r.lease_holder + ' (' + r.lease_sequence + ')' : 'none'),
        el('td', {}, r.lease_expiration_ms == null ? '—' : new Date(r.lease_expiration_ms).toISOString().substring(11, 23)),
        el('td', { class: 'num' }, bytes(r.size_bytes)), el('td', { class: 'num' }, r.qps), el('td', {}, r.quiesced ? 'yes' : 'no'))))),
    el('p', {}, 'recent splits: ', splits.length === 0 ? 'none' : splits.map(s => 'r' + s.range_id + '→r' + s.new_range_id
      + ' at ' + s.split_key + ' (' + ago(s.at_ms) + ')').join('; ')));
}

async function poll() {
  const started = performance.now();
  try {
    const c = await getJson('/status/console?since=' + state.since);
    state.lastConsole = c;
    document.getElementById('served-by').textContent = 'served by node ' + c.node_id;
    const splits = recentSplits(c);
    renderNodes(c);
    renderKeyspace(c, splits);
    renderSplits(splits);
    renderStatements(c);
    addSeries(c);
    renderCharts();
    if (state.selected != null) refreshDetail();
    document.getElementById('status').textContent = 'updated ' + new Date().toISOString().substring(11, 19) + ' UTC';
    document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
  } catch (e) {
    document.getElementById('status').textContent = 'cannot reach the node: ' + e.message;
  } finally {
    // A big cluster (thousands of ranges) answers slowly: wait twice as long as the answer took,
    // so a console never keeps a node busy more than a third of the time.
    setTimeout(poll, Math.max(POLL_MS, 2 * (performance.now() - started)));
  }
}

for (const input of document.querySelectorAll('input[name=size-by]')) {
  input.addEventListener('change', () => {
    state.sizeBy = input.value;
    if (state.lastConsole) renderKeyspace(state.lastConsole, recentSplits(state.lastConsole));
  });
}
// #range=N selects a range, so a link can open the console on one range's detail.
const linked = /^#range=(\d+)$/.exec(location.hash);
if (linked) state.selected = Number(linked[1]);
poll();

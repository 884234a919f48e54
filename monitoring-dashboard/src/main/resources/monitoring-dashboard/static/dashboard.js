'use strict';
// The monitoring page: polls /api/overview every two seconds and redraws. Plain JavaScript, no
// build step. Replays go to this server (/api/dlq/{id}/replay) with the operator's own credential,
// asked for by the page and kept in this page's memory only; the server forwards it as given.
const OVERVIEW_URL = '/api/overview';
const POLL_MILLIS = 2000;
const STAGE_TITLES = {
  ingest: 'Ingest', download: 'Download', retry: 'Retry tiers',
  upload: 'Upload', result: 'Results', dlq: 'Dead letters'
};
const previous = new Map();
// Dead-letter id -> {state: 'replaying' | 'replayed' | 'failed', message}: kept across redraws.
const replays = new Map();
// The operator's credential: {authorization, operator, label}, or null. Memory only: never stored.
let credential = null;
// The dead letter whose replay waits for the credential prompt.
let pendingReplay = null;

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function fmt(n) { return n === null || n === undefined ? '–' : Math.round(n).toLocaleString(); }
function fmtRate(r) { return r === null || r === undefined ? '–' : (r >= 10 ? Math.round(r).toLocaleString() : r.toFixed(1)); }
function fmtBytes(b) {
  if (b === null || b === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (b >= 1024 && i < units.length - 1) { b /= 1024; i++; }
  return (i === 0 ? b : b.toFixed(1)) + ' ' + units[i];
}

function numberCell(key, value, text) {
  const td = el('td', text !== undefined ? text : fmt(value), 'num');
  if (previous.has(key) && previous.get(key) !== value) td.classList.add('changed');
  previous.set(key, value);
  return td;
}

function table(headers) {
  const t = el('table');
  const head = t.createTHead().insertRow();
  headers.forEach(h => head.appendChild(el('th', h)));
  t.appendChild(el('tbody'));
  return t;
}

const SVG = 'http://www.w3.org/2000/svg';
function sparkline(series) {
  const w = 200, h = 38;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.setAttribute('preserveAspectRatio', 'none');
  const points = series.length > 1 ? series : [0, 0];
  const max = Math.max(1, ...points);
  const step = w / (points.length - 1);
  const coords = points.map((v, i) => (i * step).toFixed(1) + ',' + (h - 1 - (v / max) * (h - 4)).toFixed(1));
  const area = document.createElementNS(SVG, 'polygon');
  area.setAttribute('points', '0,' + h + ' ' + coords.join(' ') + ' ' + w + ',' + h);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', coords.join(' '));
  const title = document.createElementNS(SVG, 'title');
  title.textContent = 'records/s written, peak ' + fmtRate(max);
  svg.append(area, line, title);
  return svg;
}

function row(dl, label, value, className) {
  dl.appendChild(el('dt', label));
  const dd = el('dd', value, className);
  dl.appendChild(dd);
  return dd;
}

function renderStages(stages, topics, sampleSeconds) {
  const fragment = document.createDocumentFragment();
  stages.forEach(s => {
    const card = el('article', null, 'card');
    card.dataset.stage = s.stage;
    const h = el('h3');
    h.appendChild(el('span', STAGE_TITLES[s.stage] || s.stage));
    // The dlq-handler reads the dead-letter topic without a consumer group: no instances, no lag.
    const isDlq = s.stage === 'dlq';
    if (!isDlq) h.appendChild(el('span', s.instances + (s.instances === 1 ? ' instance' : ' instances'), 'muted instances'));
    card.appendChild(h);
    const rate = el('div', null, 'rate');
    rate.appendChild(el('span', fmtRate(s.in_per_second), 'in-rate'));
    rate.appendChild(el('small', ' records/s in'));
    card.appendChild(rate);
    card.appendChild(sparkline(s.series));
    card.appendChild(el('div', 'last ' + Math.round(s.series.length * sampleSeconds / 60 * 10) / 10 + ' min', 'muted'));
    const dl = el('dl');
    if (isDlq) {
      const held = topics.filter(t => s.topics.includes(t.topic)).reduce((sum, t) => sum + t.records, 0);
      row(dl, 'on topic', fmt(held), 'held');
    } else {
      row(dl, 'done', fmtRate(s.done_per_second) + ' /s', 'done-rate');
      row(dl, 'lag', fmt(s.lag), 'lag ' + (s.lag === 0 ? 'lag-zero' : 'lag-some'));
    }
    if (s.in_flight !== null && s.in_flight !== undefined) row(dl, 'in flight', fmt(s.in_flight), 'in-flight');
    if (s.cache_bytes !== null && s.cache_bytes !== undefined) {
      const dd = row(dl, 'cache', fmtBytes(s.cache_bytes) + (s.cache_limit_bytes ? ' / ' + fmtBytes(s.cache_limit_bytes) : ''), 'cache');
      if (s.cache_limit_bytes) {
        const used = Math.min(1, s.cache_bytes / s.cache_limit_bytes);
        const bar = el('div', null, 'bar' + (used > 0.9 ? ' full' : ''));
        const fill = el('span');
        fill.style.width = (used * 100).toFixed(1) + '%';
        bar.appendChild(fill);
        dd.appendChild(bar);
      }
    }
    card.appendChild(dl);
    fragment.appendChild(card);
  });
  document.getElementById('stages').replaceChildren(fragment);
}

function renderTopics(topics) {
  const t = table(['Topic', 'Records', 'In /s', 'Lag per group', 'Members']);
  topics.forEach(topic => {
    const tr = t.tBodies[0].insertRow();
    tr.dataset.topic = topic.topic;
    tr.appendChild(el('td', topic.topic, topic.exists ? '' : 'missing'));
    tr.appendChild(numberCell('records:' + topic.topic, topic.records));
    tr.appendChild(el('td', fmtRate(topic.per_second), 'num'));
    const lagCell = el('td');
    const membersCell = el('td');
    if (topic.consumers.length === 0) lagCell.appendChild(el('span', 'no consumer group', 'missing'));
    topic.consumers.forEach((c, i) => {
      if (i > 0) { lagCell.appendChild(el('br')); membersCell.appendChild(el('br')); }
      lagCell.appendChild(el('span', c.group + ': '));
      lagCell.appendChild(el('span', c.lag.toLocaleString(), c.lag === 0 ? 'lag-zero' : 'lag-some'));
      membersCell.appendChild(el('span', c.group + ': ' + c.members));
    });
    tr.appendChild(lagCell);
    tr.appendChild(membersCell);
  });
  document.getElementById('topics').replaceChildren(t);
}

function renderGroups(groups) {
  const container = document.getElementById('groups');
  if (groups.length === 0) {
    container.replaceChildren(el('p', 'No consumer group reads a pipeline topic yet.', 'missing'));
    return;
  }
  const t = table(['Group', 'State', 'Members', 'Total lag', 'Done /s']);
  groups.forEach(g => {
    const tr = t.tBodies[0].insertRow();
    tr.dataset.group = g.group;
    tr.appendChild(el('td', g.group));
    tr.appendChild(el('td', g.state));
    tr.appendChild(numberCell('members:' + g.group, g.members));
    tr.appendChild(numberCell('lag:' + g.group, g.total_lag));
    tr.appendChild(el('td', fmtRate(g.per_second), 'num'));
  });
  container.replaceChildren(t);
}

function renderWorkers(workers) {
  const t = table(['Worker', 'Status', 'In flight', 'Cache', 'Retries']);
  workers.forEach(w => {
    const tr = t.tBodies[0].insertRow();
    tr.dataset.worker = w.name;
    tr.appendChild(el('td', w.name));
    const status = el('td', w.up ? 'up' : 'down', w.up ? 'up' : 'down');
    if (!w.up && w.error) status.title = w.error;
    tr.appendChild(status);
    const inFlight = [w.downloads_in_flight, w.uploads_in_flight].filter(v => v !== null && v !== undefined);
    tr.appendChild(el('td', inFlight.length ? fmt(inFlight.reduce((a, b) => a + b, 0)) : '–', 'num'));
    tr.appendChild(el('td', fmtBytes(w.cache_bytes), 'num'));
    tr.appendChild(el('td', fmt(w.retries), 'num'));
  });
  document.getElementById('workers').replaceChildren(t);
}

function renderFailures(failures, sampleSeconds) {
  const container = document.getElementById('failures');
  if (failures.length === 0) {
    container.replaceChildren(el('p', 'No dead letters counted by the running workers.', 'missing'));
    return;
  }
  const t = table(['Stage', 'Reason', 'Recent', 'Since start']);
  failures.forEach(f => {
    const tr = t.tBodies[0].insertRow();
    tr.dataset.reason = f.stage + '/' + f.reason;
    tr.appendChild(el('td', f.stage));
    tr.appendChild(el('td', f.reason));
    tr.appendChild(numberCell('failures:' + f.stage + '/' + f.reason, f.recent));
    tr.appendChild(el('td', fmt(f.total), 'num'));
  });
  container.replaceChildren(t);
}

function renderDlq(dlq) {
  const total = document.getElementById('dlq-total');
  total.textContent = fmt(dlq.total);
  total.className = 'badge' + (dlq.total > 0 ? ' some' : '');
  const reasons = dlq.by_reason ? Object.entries(dlq.by_reason).map(([r, n]) => r + ': ' + n).join(' · ') : '';
  document.getElementById('dlq-reasons').textContent = reasons;
  document.getElementById('dlq-source').textContent = dlq.source === 'dlq-handler'
    ? '' : 'Read from the ' + dlq.source + ' (replay needs the dlq-handler): ' + (dlq.error || '');
  const container = document.getElementById('dlq');
  if (dlq.latest.length === 0) {
    container.replaceChildren(el('p', 'No dead letters.', 'missing'));
    return;
  }
  const t = table(['Failed at', 'Stage', 'Reason', 'Domain', 'Message', '']);
  dlq.latest.forEach(d => {
    const tr = t.tBodies[0].insertRow();
    tr.dataset.dlqId = d.id;
    tr.appendChild(el('td', d.failed_at ? new Date(d.failed_at).toLocaleTimeString() : '–'));
    tr.appendChild(el('td', d.stage));
    tr.appendChild(el('td', d.reason + (d.error_code ? ' (' + d.error_code + ')' : '')));
    tr.appendChild(el('td', d.domain || '–'));
    const message = el('td', d.message || '', 'message');
    if (d.url) message.title = d.url;
    tr.appendChild(message);
    tr.appendChild(replayCell(d.id, dlq.replayable));
  });
  container.replaceChildren(t);
}

function replayCell(id, replayable) {
  const td = el('td', null, 'replay-cell');
  const state = replays.get(id);
  if (state && state.state === 'replayed') {
    td.appendChild(el('span', 'replayed ✓', 'replayed'));
    return td;
  }
  const button = el('button', state && state.state === 'replaying' ? 'replaying…' : 'Replay', 'replay');
  button.type = 'button';
  button.disabled = !replayable || (state && state.state === 'replaying');
  if (!replayable) button.title = 'the dlq-handler does not answer';
  button.addEventListener('click', () => replay(id));
  td.appendChild(button);
  if (state && state.state === 'failed') td.appendChild(el('div', state.message, 'failed'));
  return td;
}

async function replay(id) {
  if (!credential) {
    askForCredential(id);
    return;
  }
  replays.set(id, { state: 'replaying' });
  redrawReplay(id);
  try {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json',
      Authorization: credential.authorization };
    if (credential.operator) headers['X-Operator'] = credential.operator;
    const response = await fetch('/api/dlq/' + encodeURIComponent(id) + '/replay', {
      method: 'POST', headers: headers, body: '{}'
    });
    const body = await response.json().catch(() => ({}));
    if (response.status === 401 || response.status === 403) {
      // Refused: ask again at the next click rather than resend a credential that does not work.
      forgetCredential();
    }
    replays.set(id, response.ok
      ? { state: 'replayed' }
      : { state: 'failed', message: 'not replayed: ' + (body.message || ('HTTP ' + response.status)) });
  } catch (e) {
    replays.set(id, { state: 'failed', message: 'not replayed: ' + e.message });
  }
  redrawReplay(id);
}

function askForCredential(id) {
  pendingReplay = id;
  document.getElementById('credential-error').textContent = '';
  document.getElementById('credential').showModal();
}

function basicAuthorization(user, password) {
  const bytes = new TextEncoder().encode(user + ':' + password);
  return 'Basic ' + btoa(String.fromCharCode(...bytes));
}

// The prompt's answer: a token (with the operator's name, which a token does not carry), or a
// user and password (the name is optional: the dlq-handler's audit names the user anyway).
function credentialFromPrompt() {
  const value = name => document.getElementById('credential-' + name).value.trim();
  const operator = value('operator');
  const token = value('token');
  const user = value('user');
  const password = document.getElementById('credential-password').value;
  // An HTTP header carries Latin-1 only.
  if (/[^\x20-\x7e\xa0-\xff]/.test(operator)) return { error: 'Write your name in Latin letters.' };
  if (token) {
    if (!operator) return { error: 'With a token, give your name: the audit records it.' };
    return { authorization: 'Bearer ' + token, operator: operator, label: operator + ' (token)' };
  }
  if (user && password) {
    return { authorization: basicAuthorization(user, password), operator: operator || null,
      label: (operator ? operator + ' as ' : '') + user };
  }
  return { error: 'Give a token, or a user and a password.' };
}

function clearPrompt() {
  ['token', 'user', 'password'].forEach(name => { document.getElementById('credential-' + name).value = ''; });
}

function forgetCredential() {
  credential = null;
  document.getElementById('credential-held').hidden = true;
}

function setUpCredentialPrompt() {
  const dialog = document.getElementById('credential');
  dialog.querySelector('form').addEventListener('submit', event => {
    const answer = credentialFromPrompt();
    if (answer.error) {
      event.preventDefault();
      document.getElementById('credential-error').textContent = answer.error;
      return;
    }
    credential = answer;
    clearPrompt();
    document.getElementById('credential-who').textContent = answer.label;
    document.getElementById('credential-held').hidden = false;
    const id = pendingReplay;
    pendingReplay = null;
    if (id) replay(id);
  });
  document.getElementById('credential-cancel').addEventListener('click', () => {
    pendingReplay = null;
    clearPrompt();
    dialog.close();
  });
  document.getElementById('credential-forget').addEventListener('click', forgetCredential);
}

function redrawReplay(id) {
  document.querySelectorAll('#dlq tr').forEach(tr => {
    if (tr.dataset.dlqId === id) {
      tr.querySelector('.replay-cell').replaceWith(replayCell(id, true));
    }
  });
}

function link(href, text) {
  const a = el('a', text);
  a.href = href;
  return a;
}

function renderLinks(links) {
  const list = el('ul');
  const dlq = el('li');
  dlq.appendChild(el('span', 'dlq-handler: '));
  dlq.appendChild(link(links.dlq_list, 'list'));
  list.appendChild(dlq);
  links.workers.forEach(w => {
    const li = el('li');
    li.appendChild(el('span', w.name + ': '));
    li.appendChild(link(w.health, 'health'));
    li.appendChild(link(w.metrics, 'metrics'));
    list.appendChild(li);
  });
  document.getElementById('links').replaceChildren(list);
}

async function refresh() {
  const status = document.getElementById('status');
  try {
    const response = await fetch(OVERVIEW_URL, { headers: { Accept: 'application/json' } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || ('HTTP ' + response.status));
    renderStages(body.stages, body.topics, body.sample_seconds);
    renderTopics(body.topics);
    renderGroups(body.groups);
    renderWorkers(body.workers);
    renderFailures(body.failures, body.sample_seconds);
    renderDlq(body.dlq);
    renderLinks(body.links);
    status.className = '';
    status.textContent = 'Updated ' + new Date(body.generated_at).toLocaleTimeString()
      + ' · refreshes every ' + (POLL_MILLIS / 1000) + ' s';
  } catch (e) {
    status.className = 'error';
    status.textContent = 'Cannot read the overview: ' + e.message + ' (retrying)';
  } finally {
    setTimeout(refresh, POLL_MILLIS);
  }
}

setUpCredentialPrompt();
refresh();

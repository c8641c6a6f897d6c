/*
 * The dashboard is a static page and a small script: they hold no figures, so they are served
 * without a token. The script asks for the analyst's token (kept in this tab's sessionStorage,
 * never in a URL, a cookie or a log), fetches the reports with it as a bearer token from the same
 * origin, and draws the charts as inline SVG — no chart library, no build step.
 */

export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Umbrella — reporting dashboard</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1d2733; }
  form { display: flex; flex-wrap: wrap; gap: .75rem; align-items: end; margin-bottom: 1rem; }
  label { display: flex; flex-direction: column; font-size: 12px; color: #51606f; }
  input, select, button { font: inherit; padding: .3rem .5rem; }
  #tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: .75rem; margin: 1rem 0; }
  .tile { border: 1px solid #d5dde5; border-radius: 6px; padding: .6rem .8rem; }
  .tile b { display: block; font-size: 22px; }
  #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 1rem; }
  figure { margin: 0; border: 1px solid #d5dde5; border-radius: 6px; padding: .6rem; }
  figcaption { font-weight: 600; margin-bottom: .4rem; }
  #status { color: #a33; min-height: 1.2em; }
</style>
</head>
<body>
<h1>Umbrella reporting</h1>
<form id="filters">
  <label>Analyst token <input id="token" type="password" autocomplete="off" required></label>
  <label>Region <input id="region" name="region"></label>
  <label>Agency <input id="agency" name="agency"></label>
  <label>From <input id="from" name="from" type="date"></label>
  <label>To <input id="to" name="to" type="date"></label>
  <label>Interval <select id="interval" name="interval"><option>day</option><option selected>week</option><option>month</option></select></label>
  <button id="load" type="submit">Show</button>
</form>
<p id="status" role="status"></p>
<section id="tiles" aria-label="summary"></section>
<section id="charts" aria-label="over time"></section>
<p id="note"></p>
<script src="dashboard.js"></script>
</body>
</html>
`;

export const DASHBOARD_JS = `'use strict';
(function () {
  var form = document.getElementById('filters');
  var tokenInput = document.getElementById('token');
  tokenInput.value = sessionStorage.getItem('umbrella-report-token') || '';

  function query() {
    var params = new URLSearchParams();
    ['region', 'agency', 'from', 'to'].forEach(function (name) {
      var value = document.getElementById(name).value.trim();
      if (value) params.set(name, value);
    });
    return params;
  }

  function get(path, params) {
    return fetch(path + '?' + params.toString(), { headers: { authorization: 'Bearer ' + tokenInput.value } }).then(function (res) {
      return res.json().then(function (body) {
        if (!res.ok) throw new Error((body && body.message) || res.statusText);
        return body;
      });
    });
  }

  function text(tag, attrs, content) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    Object.keys(attrs).forEach(function (k) { el.setAttribute(k, attrs[k]); });
    if (content !== undefined) el.textContent = content;
    return el;
  }

  /** A figure resting on fewer than k clients is not sent: it is shown as "<k". */
  function isSuppressed(report, name) { return report.suppressed.indexOf(name) >= 0; }

  /**
   * One bar per period; textContent only, so nothing from the server is ever parsed as markup. A
   * suppressed figure is a short grey stub labelled "<k": there is no height to draw.
   */
  function barChart(title, series, points, colour, k) {
    var width = 420, height = 180, pad = 28;
    var max = Math.max(1, Math.max.apply(null, points.map(function (p) { return p[series] || 0; })));
    var step = (width - pad * 2) / Math.max(1, points.length);
    var svg = text('svg', { viewBox: '0 0 ' + width + ' ' + height, width: '100%', role: 'img', 'aria-label': title, 'data-series': series });
    svg.appendChild(text('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, stroke: '#8a97a5' }));
    svg.appendChild(text('text', { x: 2, y: pad, 'font-size': 10 }, String(max)));
    points.forEach(function (p, i) {
      var hidden = isSuppressed(p, series);
      var h = hidden ? 3 : ((height - pad * 2) * p[series]) / max;
      var bar = text('rect', { x: pad + i * step + 2, y: height - pad - h, width: Math.max(2, step - 4), height: h, fill: hidden ? '#b8c2cc' : colour, 'data-period': p.period, 'data-value': hidden ? '' : p[series], 'data-suppressed': String(hidden) });
      bar.appendChild(text('title', {}, p.period + ': ' + (hidden ? '<' + k : p[series])));
      svg.appendChild(bar);
      if (points.length <= 12) svg.appendChild(text('text', { x: pad + i * step + 2, y: height - 8, 'font-size': 9 }, p.period.slice(5)));
    });
    var figure = document.createElement('figure');
    var caption = document.createElement('figcaption');
    caption.textContent = title;
    figure.appendChild(caption);
    figure.appendChild(svg);
    return figure;
  }

  function tile(label, value) {
    var div = document.createElement('div');
    div.className = 'tile';
    div.setAttribute('data-metric', label);
    var b = document.createElement('b');
    b.textContent = value === null || value === undefined ? '–' : String(value);
    div.appendChild(b);
    div.appendChild(document.createTextNode(label));
    return div;
  }

  function pct(share) { return share === null ? null : Math.round(share * 100) + '%'; }
  function duration(seconds) { return seconds === null ? null : seconds < 3600 ? Math.round(seconds / 60) + ' min' : (seconds / 3600).toFixed(1) + ' h'; }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    sessionStorage.setItem('umbrella-report-token', tokenInput.value);
    var status = document.getElementById('status');
    status.textContent = 'Loading…';
    var params = query();
    var timelineParams = new URLSearchParams(params);
    timelineParams.set('interval', document.getElementById('interval').value);
    Promise.all([get('reports/summary', params), get('reports/timeline', timelineParams)]).then(function (results) {
      var s = results[0], points = results[1], k = s.minimumClients;
      /** The summary's figure by its dotted name, formatted, or "<k" when suppressed. */
      function figure(name, format) {
        if (isSuppressed(s, name)) return '<' + k;
        var value = name.split('.').reduce(function (o, key) { return o === null || o === undefined ? o : o[key]; }, s);
        return format ? format(value) : value;
      }
      var tiles = document.getElementById('tiles');
      tiles.replaceChildren(
        tile('referrals sent', figure('referrals.sent')),
        tile('accepted', figure('referrals.accepted')),
        tile('rejected', figure('referrals.rejected')),
        tile('completed', figure('referrals.completed')),
        tile('median time to answer', figure('referrals.timeToAnswerSeconds.median', duration)),
        tile('refused for lack of capacity', figure('capacityRefusalShare', pct)),
        tile('duplicates prevented', figure('refusals.duplicatesPrevented')),
        tile('under 25 in work or training', figure('under25.share', pct)),
        tile('kept one key worker', figure('keyWorkerContinuity.share', pct))
      );
      document.getElementById('charts').replaceChildren(
        barChart('Referrals sent', 'sent', points, '#2f6fb3', k),
        barChart('Referrals accepted', 'accepted', points, '#2f9e6b', k),
        barChart('Referrals rejected', 'rejected', points, '#c0583a', k),
        barChart('Outcomes credited', 'outcomesCredited', points, '#7a4fb0', k)
      );
      document.getElementById('note').textContent = 'Figures resting on fewer than ' + k + ' clients are shown as <' + k + '.';
      status.textContent = '';
      document.body.setAttribute('data-loaded', 'true');
    }).catch(function (error) {
      status.textContent = error.message;
    });
  });
})();
`;

extension HTMLReport {
    /// The page's script (allowed by its hash in the Content-Security-Policy). It reads the
    /// JSON block and builds every element with `createElement` and text nodes: no string
    /// from the data is ever parsed as HTML. When done it sets `data-ready` on `<body>`;
    /// an uncaught error counts in `data-errors` (the browser tests read both), and
    /// `data-render-ms` says how long the page took to draw.
    static let script = #"""
(function () {
'use strict';
var errors = 0;
window.addEventListener('error', function () { errors += 1; document.body.setAttribute('data-errors', String(errors)); });
var data = JSON.parse(document.getElementById('retention-data').textContent);
var main = document.getElementById('report');

function el(tag, props, children) {
  var e = document.createElement(tag);
  if (props) for (var k in props) {
    if (k === 'text') e.textContent = props[k];
    else if (k === 'cls') e.className = props[k];
    else if (k === 'title') e.title = props[k];
    else if (k === 'href') e.href = '#' + props[k];
    else e.setAttribute(k, props[k]);
  }
  (children || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return e;
}
function svg(tag, attrs) {
  var e = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (var k in attrs) e.setAttribute(k, String(attrs[k]));
  return e;
}
function count(n) { return n == null ? '?' : Number(n).toLocaleString('en-US'); }
function bytes(n) {
  if (n == null) return '?';
  if (n < 1000) return n + ' B';
  var units = ['kB', 'MB', 'GB', 'TB', 'PB'], v = n, u = -1;
  while (v >= 1000 && u < units.length - 1) { v /= 1000; u += 1; }
  return (v < 100 ? v.toFixed(1) : Math.round(v).toString()) + ' ' + units[u];
}
function percent(part, whole) { return whole ? (100 * part / whole).toFixed(part * 1000 < whole ? 2 : 1) + '%' : ''; }
function siteText(s) {
  if (s == null) return '(no allocation site)';
  var file = s.file == null ? '(no file)' : s.file;
  return s.line == null ? file : file + ':' + s.line;
}
// As the text reports name an object: a class or module by its own name, others by theirs.
function objectLabel(o) {
  var isClass = o.type === 'CLASS' || o.type === 'MODULE' || o.type === 'ICLASS';
  var parts = [o.type];
  if (isClass ? o.detail != null : o.class != null) parts.push(isClass ? o.detail : o.class);
  parts.push(o.address);
  if (o.site != null) parts.push(siteText(o.site));
  if (!isClass && o.detail != null) parts.push(o.detail);
  return parts.join(' ');
}
function section(id, title) {
  var s = el('section', { id: id }, [el('h2', { text: title })]);
  main.appendChild(s);
  toc.appendChild(el('a', { href: id, text: title }));
  return s;
}
function note(text, warning) { return el('p', { cls: warning ? 'note warning' : 'note', text: text }); }
function sparkline(series) {
  var w = 90, h = 20, max = Math.max.apply(null, series.concat([1]));
  var box = svg('svg', { width: w, height: h, viewBox: '0 0 ' + w + ' ' + h, 'class': 'spark', role: 'img' });
  var step = series.length > 1 ? (w - 4) / (series.length - 1) : 0;
  var points = series.map(function (v, i) { return (2 + i * step).toFixed(1) + ',' + (h - 2 - (h - 4) * v / max).toFixed(1); });
  box.appendChild(svg('polyline', { points: points.join(' '), fill: 'none', stroke: '#b3261e', 'stroke-width': 1.5 }));
  series.forEach(function (v, i) {
    box.appendChild(svg('circle', { cx: (2 + i * step).toFixed(1), cy: (h - 2 - (h - 4) * v / max).toFixed(1), r: 1.8, fill: '#b3261e' }));
  });
  var t = svg('title', {}); t.textContent = series.map(count).join(' \u2192 '); box.appendChild(t);
  return box;
}
// A root path, its steps numbered from the root (an elided run of hops counts in the numbers).
function pathList(path) {
  var ol = el('ol', { cls: 'path' }), hop = 1;
  (path || []).forEach(function (step) {
    var li;
    if (step.elided !== undefined) li = el('li', { cls: 'muted', text: '\u2026 ' + count(step.elided) + ' more hops (retention why ADDRESS DUMP shows them all) \u2026' });
    else if (step.root !== undefined) li = el('li', {}, [el('span', { cls: 'root', text: 'ROOT ' + step.root }), step.native_stack ? ' (a native stack: no other root reaches it)' : '']);
    else li = el('li', { text: objectLabel(step) });
    li.value = hop;
    hop += step.elided !== undefined ? step.elided : 1;
    ol.appendChild(li);
  });
  return ol;
}

// A table: columns {title, value(row) for sorting, cell(row) -> node or text, num}; sortable
// by a click on a header, filtered by the search box over each row's text.
function table(columns, rows, filterPlaceholder) {
  var wrap = el('div');
  var input = filterPlaceholder ? el('input', { type: 'search', placeholder: filterPlaceholder, 'aria-label': filterPlaceholder }) : null;
  var shown = el('span', { cls: 'muted' });
  if (input) wrap.appendChild(el('div', { cls: 'controls' }, [input, shown]));
  var t = el('table'), head = el('tr'), body = el('tbody');
  var order = rows.map(function (r, i) { return i; }), sortColumn = -1, ascending = false;
  columns.forEach(function (c, i) {
    var th = el('th', { text: c.title, cls: (c.num ? 'num ' : '') + (c.value ? 'sortable' : '') });
    if (c.value) th.addEventListener('click', function () {
      ascending = sortColumn === i ? !ascending : !c.num;
      sortColumn = i;
      order.sort(function (a, b) {
        var x = c.value(rows[a]), y = c.value(rows[b]);
        var r = x < y ? -1 : x > y ? 1 : a - b;
        return ascending ? r : -r;
      });
      Array.prototype.forEach.call(head.children, function (h) { h.classList.remove('sorted-asc', 'sorted-desc'); });
      th.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
      render();
    });
    head.appendChild(th);
  });
  var cells = rows.map(function (r) {
    var tr = el('tr');
    columns.forEach(function (c) {
      var v = c.cell(r);
      tr.appendChild(el('td', { cls: c.num ? 'num' : (c.label ? 'label' : '') }, [v == null ? '' : (typeof v === 'object' ? v : String(v))]));
    });
    return tr;
  });
  var haystack = cells.map(function (tr) { return tr.textContent.toLowerCase(); });
  function render() {
    var q = input ? input.value.toLowerCase() : '', n = 0;
    while (body.firstChild) body.removeChild(body.firstChild);
    order.forEach(function (i) { if (!q || haystack[i].indexOf(q) >= 0) { body.appendChild(cells[i]); n += 1; } });
    shown.textContent = n + ' of ' + rows.length + ' rows';
  }
  if (input) input.addEventListener('input', render);
  t.appendChild(el('thead', {}, [head])); t.appendChild(body); wrap.appendChild(t);
  render();
  return wrap;
}

// Header.
var title = data.leaks ? 'Leaks across ' + data.dumps.length + ' dumps' : data.diff ? 'What changed between two dumps' : 'One dump';
main.appendChild(el('h1', { text: 'retention report: ' + title }));
main.appendChild(el('ol', { cls: 'mono' }, data.dumps.map(function (d) { return el('li', { text: d }); })));
if (data.dump) {
  var d = data.dump;
  main.appendChild(el('p', { cls: 'muted', text: 'The last dump: ' + count(d.records) + ' records, ' + bytes(d.bytes) + ' of JSON' +
    (d.skipped_lines ? ', ' + count(d.skipped_lines) + ' lines skipped' : '') + (d.recovered_lines ? ', ' + count(d.recovered_lines) + ' recovered' : '') + '.' }));
  if (d.truncated) main.appendChild(note('The last dump is truncated (' + d.truncated + '): the results cover what was read.', true));
}
(data.notes || []).forEach(function (n) { main.appendChild(note(n.text)); });
main.appendChild(note(data.show_values ? 'String values are shown (--show-values): this page may hold the application\u2019s data.'
  : 'String values are left out (dumps carry the application\u2019s secrets); run with --show-values to include them.'));
var toc = el('nav', { cls: 'toc' });
main.appendChild(toc);

// Leaks.
if (data.leaks) {
  var L = data.leaks, s = section('leaks', 'Leaks');
  (L.warnings || []).forEach(function (w) { s.appendChild(note(w, true)); });
  s.appendChild(el('p', { text: 'Objects allocated after the first dump, present in the second and alive in every later one: ' +
    count(L.total.count) + ' objects, ' + bytes(L.total.memsize) + ' memsize' + (L.total.retained_size != null ? ', retaining ' + bytes(L.total.retained_size) : '') +
    ', in ' + count(L.total.groups) + ' groups' + (L.approximate ? ' (matched by address alone: approximate)' : '') + '.' }));
  if (!L.leaks.length) s.appendChild(note(L.total.count ? 'No leak: no group accumulates in one object.' : 'Nothing from between the first two dumps survived into the last.'));
  L.leaks.forEach(function (k) {
    var card = el('div', { cls: 'leak' });
    card.appendChild(el('h3', { text: 'Leak ' + k.leak + ': ' + objectLabel(k.holder) }));
    card.appendChild(el('p', { text: 'It holds ' + count(k.count) + ' new objects (' + bytes(k.memsize) + ' memsize), retaining ' + bytes(k.retained_size) +
      ' in ' + count(k.retained_count) + ' objects. Its groups\u2019 objects allocated after the first dump, in dumps 2 to ' + (k.series.length + 1) + ' (the leaked and the not yet freed): ' + k.series.map(count).join(' \u2192 ') +
      (k.growth_per_dump != null ? '; +' + count(Math.round(k.growth_per_dump)) + ' per dump' : '') +
      (k.growth_per_hour != null ? '; +' + count(Math.round(k.growth_per_hour)) + ' per hour' : '') + '.' }, []));
    card.firstChild.nextSibling.appendChild(document.createTextNode(' '));
    card.firstChild.nextSibling.appendChild(sparkline(k.series));
    if (k.ignored) card.appendChild(note('Ignored by ' + k.ignored.file + ':' + k.ignored.line + '.'));
    card.appendChild(el('div', { cls: 'muted', text: 'Its path from a root' + (k.native_stack_only ? ' (only a native stack holds it)' : '') + ':' }));
    card.appendChild(pathList(k.root_path));
    card.appendChild(el('div', { cls: 'muted', text: 'Groups: ' + k.groups.map(function (g) { return '#' + g; }).join(', ') }));
    s.appendChild(card);
  });
  if (L.runtime && L.runtime.count) s.appendChild(el('p', { cls: 'muted', text: 'Ruby runtime (IMEMO, allocation tracing, objspace): ' + count(L.runtime.count) + ' objects, ' + bytes(L.runtime.memsize) + ', set apart.' }));
  s.appendChild(el('h3', { text: 'Groups (' + L.groups.length + ' of ' + L.total.groups + ', by retained size)' }));
  var rank = 0;
  var groups = L.groups.map(function (g) { rank += 1; return { g: g, rank: rank }; });
  s.appendChild(table([
    { title: '#', num: true, value: function (r) { return r.rank; }, cell: function (r) { return r.rank; } },
    { title: 'Leak', value: function (r) { return r.g.leak || 1e9; }, cell: function (r) { return r.g.leak ? 'leak ' + r.g.leak : ''; } },
    { title: 'Group', label: true, value: function (r) { return r.g.label; }, cell: function (r) { return r.g.label; } },
    { title: 'Class', value: function (r) { return r.g.class || ''; }, cell: function (r) { return r.g.class == null ? '' : r.g.class + (r.g.other_classes ? ' (+' + r.g.other_classes + ')' : ''); } },
    { title: 'Count', num: true, value: function (r) { return r.g.count; }, cell: function (r) { return count(r.g.count); } },
    { title: 'Memsize', num: true, value: function (r) { return r.g.memsize; }, cell: function (r) { return bytes(r.g.memsize); } },
    { title: 'Retained', num: true, value: function (r) { return r.g.retained_size || 0; }, cell: function (r) { return bytes(r.g.retained_size); } },
    { title: 'After dump 1, in dumps 2\u2026' + data.dumps.length, value: function (r) { return r.g.series[r.g.series.length - 1] || 0; }, cell: function (r) { return el('span', { cls: 'nowrap' }, [sparkline(r.g.series), ' ' + r.g.series.map(count).join(' \u2192 ')]); } },
    { title: 'Held by', label: true, value: function (r) { return r.g.accumulation_point ? r.g.accumulation_point.object.address : ''; },
      cell: function (r) { var a = r.g.accumulation_point; return a ? (a.dispersed ? 'dispersed; most: ' : '') + objectLabel(a.object) + ' (' + a.holds + ' of ' + a.looked_at + ')' : ''; } }
  ], groups, 'Filter groups (class, file, type\u2026)'));
}

// Diff.
if (data.diff) {
  var D = data.diff, s2 = section('diff', 'What changed');
  if (!D.same_process) s2.appendChild(note('The dumps may come from different processes: ' + D.identity_text, true));
  else s2.appendChild(el('p', { cls: 'muted', text: D.identity_text }));
  s2.appendChild(el('p', { text: 'From ' + count(D.totals[0].count) + ' objects (' + bytes(D.totals[0].memsize) + ') to ' + count(D.totals[1].count) + ' (' + bytes(D.totals[1].memsize) + '): ' +
    count(D.new.count) + ' new (' + bytes(D.new.memsize) + '), ' + count(D.freed.count) + ' freed (' + bytes(D.freed.memsize) + ').' }));
  s2.appendChild(table([
    { title: D.grouping.charAt(0).toUpperCase() + D.grouping.slice(1), label: true, value: function (g) { return g.label; }, cell: function (g) { return g.label; } },
    { title: 'Count before', num: true, value: function (g) { return g.tallies[0] ? g.tallies[0].count : 0; }, cell: function (g) { return g.tallies[0] ? count(g.tallies[0].count) : '\u2013'; } },
    { title: 'Count after', num: true, value: function (g) { var t = g.tallies[g.tallies.length - 1]; return t ? t.count : 0; }, cell: function (g) { var t = g.tallies[g.tallies.length - 1]; return t ? count(t.count) : '\u2013'; } },
    { title: 'Change', num: true, value: function (g) { return g.change.count; }, cell: function (g) { return (g.change.count > 0 ? '+' : '') + count(g.change.count); } },
    { title: 'Memsize change', num: true, value: function (g) { return g.change.memsize; }, cell: function (g) { return (g.change.memsize > 0 ? '+' : g.change.memsize < 0 ? '\u2212' : '') + bytes(Math.abs(g.change.memsize)); } },
    { title: 'New', num: true, value: function (g) { return g.new.count; }, cell: function (g) { return count(g.new.count); } },
    { title: 'Freed', num: true, value: function (g) { return g.freed.count; }, cell: function (g) { return count(g.freed.count); } }
  ], D.groups, 'Filter classes\u2026'));
}

if (data.rootless) {
  main.appendChild(note('The last dump has no ROOT records (a since: dump, or one cut short): no dominator tree, retained sizes or retainers.', true));
}

// The icicle of the dominator tree.
if (data.flame) {
  var s3 = section('icicle', 'What holds what: the dominator tree');
  s3.appendChild(el('p', { cls: 'muted', text: 'Each cell is objects alike (in the view chosen) with the same chain of dominators above them; its width is what they retain. Click a cell to zoom in, a crumb to zoom out; hover for the figures.' }));
  var viewSelect = el('select', { 'aria-label': 'Frames by' }, ['object', 'class', 'site', 'gem'].map(function (v) { return el('option', { value: v, text: { object: 'type, class and site', 'class': 'type and class', site: 'allocation site', gem: 'gem' }[v] }); }));
  var colourSelect = el('select', { 'aria-label': 'Colour by' }, ['class', 'site', 'gem', 'type'].map(function (v) { return el('option', { value: v, text: v }); }));
  s3.appendChild(el('div', { cls: 'controls' }, [el('label', {}, ['Frames: ', viewSelect]), el('label', {}, ['Colour: ', colourSelect])]));
  var crumbs = el('div', { cls: 'crumbs' }), box = el('div', { id: 'icicle-cells' }), foldNote = el('p', { cls: 'muted' });
  var tip = el('div', { id: 'tooltip' });
  s3.appendChild(crumbs); s3.appendChild(box); s3.appendChild(foldNote); document.body.appendChild(tip);
  var zoom = 0;
  function colour(frame) {
    if (frame.kind !== 'objects') return '#d9dde5';
    var key = frame[colourSelect.value];
    if (key == null) key = frame.label;
    var h = 0;
    for (var i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
    return 'hsl(' + (h % 360) + ', 62%, ' + (72 + (h >> 9) % 12) + '%)';
  }
  function drawIcicle() {
    var F = data.flame[viewSelect.value], nodes = F.nodes, frames = F.frames;
    while (box.firstChild) box.removeChild(box.firstChild);
    while (crumbs.firstChild) crumbs.removeChild(crumbs.firstChild);
    if (zoom >= nodes.length) zoom = 0;
    // Crumbs: the zoomed node's ancestors.
    var chain = [], v = zoom;
    while (v > 0) { chain.unshift(v); v = nodes[v][0]; }
    var all = el('a', { text: 'all roots (' + bytes(nodes[0][3]) + ')' });
    all.addEventListener('click', function () { zoom = 0; drawIcicle(); });
    crumbs.appendChild(all);
    chain.forEach(function (c) {
      var a = el('a', { text: frames[nodes[c][1]].label });
      a.addEventListener('click', function () { zoom = c; drawIcicle(); });
      crumbs.appendChild(document.createTextNode(' \u203a '));
      crumbs.appendChild(a);
    });
    // Layout: the zoomed subtree (preorder, so a node's subtree follows it) across the width.
    var width = box.clientWidth || 1200, total = nodes[zoom][3] || 1, x = {}, depth = {}, maxDepth = 0;
    x[zoom] = 0; depth[zoom] = 0;
    var nextX = {};
    nextX[zoom] = 0;
    var end = zoom + 1;
    while (end < nodes.length && isBelow(end, zoom)) end += 1;
    for (var i = zoom; i < end; i++) {
      if (i !== zoom) {
        var p = nodes[i][0];
        x[i] = nextX[p];
        nextX[p] += nodes[i][3];
        depth[i] = depth[p] + 1;
      }
      nextX[i] = x[i] + nodes[i][2];
      var w = nodes[i][3] / total * width;
      if (i === zoom || w < 1) continue;
      if (depth[i] > maxDepth) maxDepth = depth[i];
      var f = frames[nodes[i][1]];
      var cell = el('div', { cls: 'cell', 'data-node': String(i), text: w > 30 ? f.label : '' });
      cell.style.left = (x[i] / total * width).toFixed(1) + 'px';
      cell.style.width = Math.max(1, w).toFixed(1) + 'px';
      cell.style.top = ((depth[i] - 1) * 19) + 'px';
      cell.style.background = colour(f);
      box.appendChild(cell);
    }
    box.style.height = Math.max(19, maxDepth * 19) + 'px';
    function isBelow(n, top) { while (n > top) n = nodes[n][0]; return n === top; }
    foldNote.textContent = 'Folded for size: ' + count(F.folded_paths) + ' smaller subtrees (' + bytes(F.folded_size) + ', each under ' +
      (data.icicle.share * 100) + '% of the heap or beyond the ' + data.icicle.children + ' largest under a node) are \u201csmaller subtrees\u201d cells' +
      (F.cut_count ? '; ' + count(F.cut_count) + ' objects (' + bytes(F.cut_size) + ') lie deeper than ' + F.max_depth + ' dominators and are one cell' : '') +
      '. retention top --format folded writes the whole tree for flamegraph.pl or speedscope.';
  }
  box.addEventListener('click', function (e) {
    var n = e.target.getAttribute && e.target.getAttribute('data-node');
    if (n != null) { zoom = Number(n); drawIcicle(); }
  });
  box.addEventListener('mousemove', function (e) {
    var n = e.target.getAttribute && e.target.getAttribute('data-node');
    if (n == null) { tip.style.display = 'none'; return; }
    var F = data.flame[viewSelect.value], node = F.nodes[Number(n)], f = F.frames[node[1]];
    var lines = [f.label];
    if (f.kind === 'objects') {
      if (f.type != null) lines.push('type: ' + f.type);
      if (f.class != null) lines.push('class: ' + f.class);
      if (f.site != null) lines.push('site: ' + f.site);
      if (f.gem != null) lines.push('gem: ' + f.gem);
    }
    lines.push('retained: ' + bytes(node[3]) + ' (' + percent(node[3], F.nodes[0][3]) + ' of the heap) in ' + count(node[4]) + ' objects');
    lines.push('these dominators themselves: ' + bytes(node[2]));
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    lines.forEach(function (l, i) { tip.appendChild(i ? el('div', { text: l }) : el('strong', { text: l })); });
    tip.style.display = 'block';
    tip.style.left = Math.min(e.clientX + 14, window.innerWidth - 540) + 'px';
    tip.style.top = (e.clientY + 14) + 'px';
  });
  box.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  viewSelect.addEventListener('change', function () { zoom = 0; drawIcicle(); });
  colourSelect.addEventListener('change', drawIcicle);
  window.addEventListener('resize', drawIcicle);
  drawIcicle();
}

// The retainer tree: from an object towards the roots.
if (data.retainers && data.retainers.starts.length) {
  var R = data.retainers, s4 = section('retainers', 'Why is it alive: retainers');
  s4.appendChild(el('p', { cls: 'muted', text: 'Who references the object, and who references those, towards the roots. The first retainer is on its shortest path from a root (opened for you). The page holds the retainers of ' +
    count(R.nodes.length) + ' objects; for any other, run retention why ADDRESS DUMP.' }));
  var pick = el('select', { 'aria-label': 'Start from' }, R.starts.map(function (st, i) {
    return el('option', { value: String(i), text: st.why + ': ' + objectLabel(R.nodes[st.node].object) });
  }));
  var treeBox = el('div');
  s4.appendChild(el('div', { cls: 'controls' }, [el('label', {}, ['Start from: ', pick])]));
  s4.appendChild(treeBox);
  function item(k, above, open) {
    var n = R.nodes[k], li = el('li');
    var canOpen = n.retainers.length > 0;
    var toggle = el('span', { cls: 'toggle', text: canOpen ? '\u25b8' : '' });
    li.appendChild(toggle);
    li.appendChild(el('span', { cls: 'obj', text: objectLabel(n.object) }));
    if (n.object.retained_size != null) li.appendChild(el('span', { cls: 'muted', text: ' retains ' + bytes(n.object.retained_size) }));
    n.roots.forEach(function (r) { li.appendChild(el('span', { cls: 'root', text: ' \u2190 ROOT ' + r })); });
    if (n.omitted) li.appendChild(el('span', { cls: 'muted', text: ' (' + count(n.omitted) + ' more referrers not in the page: retention why ' + n.object.address + ')' }));
    var ul = null;
    function expand() {
      if (ul) { ul.hidden = !ul.hidden; toggle.textContent = ul.hidden ? '\u25b8' : '\u25be'; return; }
      ul = el('ul', { cls: 'tree' });
      var chain = above.concat([k]);
      n.retainers.forEach(function (r, i) {
        if (chain.indexOf(r) >= 0) ul.appendChild(el('li', { cls: 'muted', text: '\u21bb ' + objectLabel(R.nodes[r].object) + ' (already above: a cycle)' }));
        else ul.appendChild(item(r, chain, open && i === 0 && chain.length < 40));
      });
      li.appendChild(ul);
      toggle.textContent = '\u25be';
    }
    if (canOpen) toggle.addEventListener('click', expand);
    if (canOpen && open) expand();
    return li;
  }
  function drawTree() {
    while (treeBox.firstChild) treeBox.removeChild(treeBox.firstChild);
    var st = R.starts[Number(pick.value)];
    treeBox.appendChild(el('ul', { cls: 'tree' }, [item(st.node, [], true)]));
  }
  pick.addEventListener('change', drawTree);
  drawTree();
}

// Top retainers.
if (data.top) {
  var T = data.top, s5 = section('top', 'What retains the most');
  s5.appendChild(table([
    { title: 'Object', label: true, value: function (o) { return o.address; }, cell: function (o) { return objectLabel(o); } },
    { title: 'Memsize', num: true, value: function (o) { return o.memsize; }, cell: function (o) { return bytes(o.memsize); } },
    { title: 'Retained', num: true, value: function (o) { return o.retained_size; }, cell: function (o) { return bytes(o.retained_size); } },
    { title: 'Objects', num: true, value: function (o) { return o.retained_count; }, cell: function (o) { return count(o.retained_count); } }
  ], T.objects, null));
  [['by_class', 'By class', function (g) { return g.class == null ? '(no class)' : g.class; }],
   ['by_site', 'By allocation site', function (g) { return siteText(g.site); }],
   ['by_gem', 'By gem', function (g) { return g.gem == null ? '(no file)' : g.gem.name; }]].forEach(function (spec) {
    s5.appendChild(el('h3', { text: spec[1] + ' (the topmost objects of each, so nothing counts twice)' }));
    s5.appendChild(table([
      { title: spec[1].replace('By ', ''), label: true, value: spec[2], cell: spec[2] },
      { title: 'Retained', num: true, value: function (g) { return g.retained_size; }, cell: function (g) { return bytes(g.retained_size); } },
      { title: 'Objects retained', num: true, value: function (g) { return g.retained_count; }, cell: function (g) { return count(g.retained_count); } },
      { title: 'Members', num: true, value: function (g) { return g.members; }, cell: function (g) { return count(g.members); } }
    ], T[spec[0]], null));
  });
}

// Waste.
if (data.waste) {
  var W = data.waste, s6 = section('waste', 'What is wasted');
  s6.appendChild(el('p', { text: count(W.duplicate_totals.values) + ' string values are held more than once, in ' + count(W.duplicate_totals.extra_copies) +
    ' extra copies: ' + bytes(W.duplicate_totals.wasted) + ' that one copy each would save. Collections empty or of one element: ' +
    count(W.collections.total.count) + ' (' + bytes(W.collections.total.memsize) + ').' }));
  s6.appendChild(table([
    { title: 'Value', label: true, value: function (v) { return v.value || ''; }, cell: function (v) { return v.value == null ? '(left out: --show-values) ' + v.example : JSON.stringify(v.value) + (v.value_truncated ? '\u2026' : ''); } },
    { title: 'Copies', num: true, value: function (v) { return v.copies; }, cell: function (v) { return count(v.copies); } },
    { title: 'Wasted', num: true, value: function (v) { return v.wasted; }, cell: function (v) { return bytes(v.wasted); } },
    { title: 'Where', label: true, value: function (v) { return v.sites.length ? v.sites[0].label : ''; }, cell: function (v) { return v.sites.map(function (x) { return x.label + ' \u00d7' + count(x.count); }).join(', '); } },
    { title: 'Fix', value: function (v) { return v.fix ? v.fix.kind : ''; }, cell: function (v) { return v.fix ? v.fix.text : ''; } }
  ], W.duplicates, 'Filter duplicate strings\u2026'));
}

document.body.setAttribute('data-render-ms', String(Math.round(performance.now())));
document.body.setAttribute('data-ready', '1');
document.body.setAttribute('data-errors', String(errors));
})();
"""#
}

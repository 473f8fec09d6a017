/* kgraph explorer: the static page (graph.html) and the page of `kgraph serve` run this same script.
 *
 * Where the graph comes from is a "source" (kgraph-sources.js, inlined before this script): the JSON in
 * <script id="kg-data"> (static page), or the JSON API of `kgraph serve` (data-kg-mode="serve"). Both answer the
 * same questions with the same shapes: view(filters), search(text), entity(iri); this script does not know which
 * one it talks to.
 *
 * Article text (names, sentences, titles, document ids) is untrusted: it reaches the DOM through textContent
 * and DOM properties only, never innerHTML, and vis-network draws labels on its canvas (no HTML "title").
 *
 * Once the first view is drawn, <body> carries data-kg-rendered="true", data-kg-placed (entities in the
 * network), data-kg-visible (not hidden by kind) and data-kg-selected (the entity or relation shown in the
 * panel); tests and scripts read these, and the benchmark data-kg-ready-ms (milliseconds from navigation to
 * the first view drawn) and data-kg-search-ms (the last search). A "#q=NAME" fragment searches NAME and opens
 * the best match.
 */
(function () {
  "use strict";

  var MAX_RESULTS = 30;
  var MAX_LISTED = 40;
  var MAX_EVIDENCE = 30;
  var STABILIZE_ITERATIONS = 300;
  var COMMUNITY_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
                          "#ff9da7", "#9c755f", "#bab0ac"];
  var POSITION_RELATIONS = ["member_of", "head_of", "founded", "job_title"];

  var body = document.body;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var served = body.getAttribute("data-kg-mode") === "serve";
  var T = data.strings;
  var searchInput = document.getElementById("kg-search");
  var resultsList = document.getElementById("kg-results");
  var statusLine = document.getElementById("kg-status");
  var panel = document.getElementById("kg-panel");
  var legendList = document.getElementById("kg-legend-list");
  var minDocsInput = document.getElementById("kg-min-docs");
  var dateFrom = document.getElementById("kg-date-from");
  var dateTo = document.getElementById("kg-date-to");
  var articleSelect = document.getElementById("kg-article");
  var colourSelect = document.getElementById("kg-colour");

  function t(key, params) {
    var text = T[key] !== undefined ? T[key] : key;
    Object.keys(params || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(params[name])); });
    return text;
  }
  function kindName(kind) { return T["kind." + kind] || kind; }
  function relationName(relation) { return T["rel." + relation] || relation; }

  var compare = kgraphSources.compare, rankOrder = kgraphSources.rankOrder, normalize = kgraphSources.normalize;
  var source = served ? kgraphSources.served() : kgraphSources.fromPage(data);

  // -- small DOM helpers (text only) ----------------------------------------------------------------------
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }
  var kindColor = new Map();
  function swatch(kind) {
    var s = el("span", null, "kg-swatch");
    s.style.backgroundColor = kindColor.get(kind) || "#79706e";
    return s;
  }
  function linkButton(text, onClick, className) {
    var b = el("button", text, "kg-link" + (className ? " " + className : ""));
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function formatValue(value) {
    if (Array.isArray(value)) { return value.map(formatValue).join(", "); }
    if (typeof value === "boolean") { return value ? "yes" : "no"; }
    return String(value);
  }
  function shortLabel(label) {
    label = String(label);
    return label.length <= data.maxLabel ? label : label.slice(0, data.maxLabel - 1) + "\u2026";
  }

  // -- state ------------------------------------------------------------------------------------------------
  var known = new Map();        // IRI -> details of every entity the page has seen
  var documents = {};           // document id -> {title, date, url, publisher}
  var communities = {};
  var legend = [];
  var total = 0;
  var shownKinds = new Set();
  function remember(nodes) { (Array.isArray(nodes) ? nodes : Object.values(nodes)).forEach(function (n) { if (n) { known.set(n.iri, n); } }); }
  function label(iri) { var n = known.get(iri); return n ? n.label : iri; }

  // -- network --------------------------------------------------------------------------------------------
  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shownKinds.has(n.group); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) {
      var a = nodes.get(e.from), b = nodes.get(e.to);
      return a !== null && b !== null && shownKinds.has(a.group) && shownKinds.has(b.group);
    }
  });
  var network = new vis.Network(document.getElementById("kg-graph"), { nodes: nodeView, edges: edgeView }, data.options);

  function colourFor(n) {
    if (colourSelect.value !== "community") { return undefined; }
    var c = communities[n.iri];
    var colour = c === undefined ? "#d0d7de" : COMMUNITY_COLORS[c % COMMUNITY_COLORS.length];
    return { background: colour, border: "#3b3b3b", highlight: { background: colour, border: "#000000" } };
  }
  function visNode(n) {
    var v = { id: n.iri, label: shortLabel(n.label), group: n.kind, value: n.docs.length + 1, shape: "dot" };
    var colour = colourFor(n);
    if (colour) { v.color = colour; }
    return v;
  }
  function visEdge(e) {
    var text = relationName(e.relation) + (e.title ? ": " + shortLabel(e.title) : "") + (e.former ? " (" + t("former") + ")" : "");
    var v = { id: e.id, from: e.from, to: e.to, label: text, arrows: { to: { enabled: true, scaleFactor: 0.6 } },
              smooth: { enabled: true, type: "curvedCW", roundness: 0.12 } };
    if (e.former) { v.dashes = true; }
    return v;
  }
  function togetherEdge(link) {
    return { id: "t\u0001" + link[0] + "\u0001" + link[1], from: link[0], to: link[1], together: link[2],
             color: { color: "#d6dae0", highlight: "#8c959f" }, width: Math.min(1 + link[2] / 3, 4), dashes: [2, 4],
             smooth: false, physics: true, length: 140 };
  }
  function addNodes(list, anchor) {
    var added = [];
    list.forEach(function (n, i) {
      if (!n || nodes.get(n.iri) !== null) { return; }
      var v = visNode(n);
      if (n.x !== undefined) { v.x = n.x; v.y = n.y; }
      else if (anchor && nodes.get(anchor) !== null) {
        var pos = network.getPosition(anchor);
        var angle = i * 2.399963;  // golden angle: spreads the new nodes without overlap
        v.x = pos.x + (120 + 20 * Math.sqrt(i)) * Math.cos(angle);
        v.y = pos.y + (120 + 20 * Math.sqrt(i)) * Math.sin(angle);
      }
      added.push(v);
    });
    nodes.add(added);
    return added.length;
  }
  function addEdges(list) {
    edges.add(list.filter(function (e) { return edges.get(e.id) === null && nodes.get(e.from) !== null && nodes.get(e.to) !== null; }).map(visEdge));
  }

  // Communities: a ring in the community's colour around each member (kinds keep the nodes' own colour).
  network.on("beforeDrawing", function (ctx) {
    var ids = nodeView.getIds().filter(function (id) { return communities[id] !== undefined; });
    var positions = network.getPositions(ids);
    ids.forEach(function (id) {
      var node = network.body.nodes[id];
      var r = (node && node.shape && node.shape.radius ? node.shape.radius : 10) + 6;
      ctx.beginPath();
      ctx.arc(positions[id].x, positions[id].y, r, 0, 2 * Math.PI);
      ctx.fillStyle = COMMUNITY_COLORS[communities[id] % COMMUNITY_COLORS.length] + "66";
      ctx.fill();
    });
  });

  var rendered = false;
  var pendingHash = true;
  function markRendered() {
    if (rendered) { return; }
    rendered = true;
    body.setAttribute("data-kg-ready-ms", String(Math.round(performance.now())));
    body.setAttribute("data-kg-rendered", "true");
    if (pendingHash) { pendingHash = false; searchFromHash(); }
  }
  network.on("stabilizationIterationsDone", function () { network.setOptions({ physics: { enabled: false } }); markRendered(); });
  var viewDrawn = false;  // the page is not ready before its first view has arrived (from the server, say)
  network.on("afterDrawing", function () { if (viewDrawn && nodeView.length === 0) { markRendered(); } });
  network.on("click", function (params) {
    if (params.nodes.length) { showEntity(params.nodes[0]); }
    else if (params.edges.length && String(params.edges[0]).charAt(0) === "e") { showRelation(params.edges[0]); }
  });
  network.on("doubleClick", function (params) { if (params.nodes.length) { expand(params.nodes[0]); } });

  function updateCounts(candidates) {
    body.setAttribute("data-kg-placed", String(nodes.length));
    body.setAttribute("data-kg-visible", String(nodeView.length));
    var filtered = filters().minDocs > 1 || filters().article || filters().from || filters().to;
    statusLine.textContent = filtered ? t("status_filtered", { candidates: candidates, visible: nodeView.length })
      : t("status", { visible: nodeView.length, total: total });
  }

  // -- filters and the view -------------------------------------------------------------------------------
  function filters() {
    return { kinds: new Set(shownKinds), minDocs: Math.max(1, parseInt(minDocsInput.value, 10) || 1),
             from: dateFrom.value, to: dateTo.value, article: articleSelect.value };
  }
  var lastCandidates = 0;
  var viewRequest = 0;
  function drawView() {
    var request = ++viewRequest;
    return source.view(filters()).then(function (view) {
      if (request !== viewRequest) { return; }
      communities = view.communities || {};
      remember(view.nodes);
      communityHeads = new Map();
      view.nodes.forEach(function (n) {
        var c = communities[n.iri];
        if (c !== undefined && !communityHeads.has(c)) { communityHeads.set(c, n.iri); }
      });
      var positions = view.positions || {};
      // the first view comes laid out (kgraph.explore.layout); another one is laid out here
      var laidOut = view.nodes.length > 0 && view.nodes.every(function (n) { return positions[n.iri] !== undefined; });
      network.setOptions({ physics: { enabled: !laidOut } });
      edges.clear();
      nodes.clear();
      addNodes(view.nodes.map(function (n) {
        return laidOut ? Object.assign({}, n, { x: positions[n.iri][0], y: positions[n.iri][1] }) : n;
      }));
      addEdges(view.edges);
      edges.add(view.together.map(togetherEdge));
      lastCandidates = view.candidates;
      viewDrawn = true;
      listDrawn(view.nodes);
      if (laidOut) { network.fit(); network.once("afterDrawing", markRendered); }
      else if (nodes.length) { network.stabilize(STABILIZE_ITERATIONS); }
      updateCounts(view.candidates);
      if (nodeView.length === 0) { markRendered(); }
    }).catch(showError);
  }
  // The canvas says nothing to a screen reader: the entities drawn are listed as text as well.
  var drawnList = document.getElementById("kg-drawn");
  function listDrawn(list) {
    clear(drawnList);
    list.forEach(function (n) {
      var item = el("li");
      item.setAttribute("data-node", n.iri);
      item.appendChild(linkButton(n.label, function () { choose(n.iri); }));
      drawnList.appendChild(item);
    });
  }
  function refreshKinds() {
    nodeView.refresh();
    edgeView.refresh();
    updateCounts(lastCandidates);
  }
  [minDocsInput, dateFrom, dateTo, articleSelect].forEach(function (input) { input.addEventListener("change", drawView); });
  colourSelect.addEventListener("change", function () {
    nodes.update(nodes.map(function (v) { var c = colourFor(known.get(v.id)); return { id: v.id, color: c || null }; }));
    network.redraw();
  });
  document.getElementById("kg-reset").addEventListener("click", function () {
    minDocsInput.value = "1"; dateFrom.value = ""; dateTo.value = ""; articleSelect.value = "";
    legend.forEach(function (entry) { setKindShown(entry.kind, !entry.hidden, true); });
    drawView();
  });
  function setKindShown(kind, shown, quiet) {
    if (shown) { shownKinds.add(kind); } else { shownKinds.delete(kind); }
    var box = legendList.querySelector('input[data-kind="' + CSS.escape(kind) + '"]');
    if (box) { box.checked = shown; }
    if (!quiet) { refreshKinds(); }
  }
  function buildLegend(info) {
    legend = info.legend;
    total = info.total;
    documents = info.documents || {};
    legend.forEach(function (entry) {
      kindColor.set(entry.kind, entry.color);
      if (!entry.hidden) { shownKinds.add(entry.kind); }
      var item = el("li");
      item.setAttribute("data-kind", entry.kind);
      var lab = el("label");
      var box = el("input");
      box.type = "checkbox";
      box.checked = !entry.hidden;
      box.setAttribute("data-kind", entry.kind);
      box.addEventListener("change", function () { setKindShown(entry.kind, box.checked); if (box.checked) { drawView(); } });
      lab.appendChild(box);
      lab.appendChild(swatch(entry.kind));
      lab.appendChild(el("span", kindName(entry.kind), "kg-kind-name"));
      lab.appendChild(el("span", String(entry.count), "kg-count"));
      item.appendChild(lab);
      legendList.appendChild(item);
    });
    Object.keys(documents).map(function (id) { return [id, documents[id]]; })
      .sort(function (a, b) { return compare(a[1].date || "", b[1].date || "") || compare(a[0], b[0]); })
      .forEach(function (pair) {
        var option = el("option", (pair[1].date ? pair[1].date.slice(0, 10) + " " : "") + (pair[1].title || pair[0]));
        option.value = pair[0];
        articleSelect.appendChild(option);
      });
  }

  // -- search -------------------------------------------------------------------------------------------------
  var currentResults = [];
  var activeIndex = -1;
  var searchRequest = 0;
  function closeResults() { clear(resultsList); currentResults = []; activeIndex = -1; }
  function renderResults(matches) {
    clear(resultsList);
    currentResults = matches.slice(0, MAX_RESULTS);
    activeIndex = -1;
    currentResults.forEach(function (m) {
      remember([m.node]);
      var item = el("li");
      var b = el("button");
      b.type = "button";
      b.setAttribute("data-node", m.node.iri);
      b.appendChild(swatch(m.node.kind));
      b.appendChild(el("span", m.node.label));
      if (m.alias) { b.appendChild(el("span", "(" + m.alias + ")", "kg-match-alias")); }
      var where = kindName(m.node.kind) + " · " + m.node.docs.length + (nodes.get(m.node.iri) === null ? " · " + t("not_drawn") : "");
      b.appendChild(el("span", where, "kg-match-kind"));
      b.addEventListener("click", function () { choose(m.node.iri); });
      item.appendChild(b);
      resultsList.appendChild(item);
    });
    if (searchInput.value.trim() && matches.length === 0) { resultsList.appendChild(el("li", t("no_match"), "kg-none")); }
    else if (matches.length > MAX_RESULTS) { resultsList.appendChild(el("li", t("more_matches", { n: matches.length - MAX_RESULTS }), "kg-none")); }
  }
  function runSearch(query) {
    var request = ++searchRequest;
    var started = performance.now();
    return source.search(query).then(function (matches) {
      if (request !== searchRequest) { return null; }
      body.setAttribute("data-kg-search-ms", String(Math.round(performance.now() - started)));
      return matches;
    });
  }
  var searchTimer = null;
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      runSearch(searchInput.value).then(function (matches) { if (matches) { renderResults(matches); } }).catch(showError);
    }, served ? 150 : 60);
  });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!currentResults.length) { return; }
      activeIndex = (activeIndex + (event.key === "ArrowDown" ? 1 : -1) + currentResults.length) % currentResults.length;
      resultsList.querySelectorAll("li").forEach(function (item, i) { item.className = i === activeIndex ? "kg-active" : ""; });
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (currentResults.length) { choose(currentResults[Math.max(activeIndex, 0)].node.iri); }
      else { runSearch(searchInput.value).then(function (m) { if (m && m.length) { choose(m[0].node.iri); } }); }
    } else if (event.key === "Escape") { closeResults(); }
  });
  function searchFromHash() {
    var match = /^#q=(.*)$/.exec(window.location.hash);
    if (!match) { return; }
    var query;
    try { query = decodeURIComponent(match[1].replace(/\+/g, " ")); } catch (err) { query = match[1]; }
    searchInput.value = query;
    runSearch(query).then(function (matches) {
      if (matches && matches.length) { choose(matches[0].node.iri); } else if (matches) { renderResults(matches); }
    }).catch(showError);
  }
  window.addEventListener("hashchange", searchFromHash);

  // -- choosing, expanding ------------------------------------------------------------------------------
  function choose(iri) {
    clearTimeout(searchTimer);  // a search still waiting for its keys would open the list again
    searchRequest += 1;
    closeResults();
    return source.entity(iri).then(function (profile) {
      remember(profile.nodes);
      var n = profile.node;
      if (!shownKinds.has(n.kind)) { setKindShown(n.kind, true); }
      if (nodes.get(iri) === null) {
        var anchor = null;
        profile.edges.forEach(function (e) { var o = e.from === iri ? e.to : e.from; if (anchor === null && nodes.get(o) !== null) { anchor = o; } });
        addNodes([n], anchor);
        addEdges(profile.edges);
      }
      updateCounts(lastCandidates);
      network.selectNodes([iri]);
      network.focus(iri, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
      renderProfile(profile);
    }).catch(showError);
  }
  function expand(iri) {
    return source.entity(iri).then(function (profile) {
      remember(profile.nodes);
      var others = [];
      profile.edges.forEach(function (e) { others.push(profile.nodes[e.from === iri ? e.to : e.from]); });
      others.forEach(function (o) { if (o && !shownKinds.has(o.kind)) { setKindShown(o.kind, true, true); } });
      addNodes([profile.node], null);
      addNodes(others, iri);
      addEdges(profile.edges);
      refreshKinds();
    }).catch(showError);
  }
  function showEntity(iri) {
    return source.entity(iri).then(function (profile) { remember(profile.nodes); renderProfile(profile); }).catch(showError);
  }

  // -- the profile ------------------------------------------------------------------------------------------
  function section(title, list) {
    if (!list.childNodes.length) { return; }
    panel.appendChild(el("h3", title));
    panel.appendChild(list);
  }
  function entityButton(iri) { return linkButton(label(iri), function () { choose(iri); }, "kg-entity"); }
  function dateOf(docId) { var d = documents[docId]; return d && d.date ? d.date.slice(0, 10) : ""; }
  function evidenceDates(e) {
    var dates = Array.from(new Set(e.evidence.map(function (ev) { return dateOf(ev.doc); }).filter(Boolean))).sort();
    return dates.length ? dates[0] + (dates.length > 1 ? " – " + dates[dates.length - 1] : "") : "";
  }
  function relationItem(e, otherIri, text) {
    var item = el("li");
    item.appendChild(entityButton(otherIri));
    if (text) { item.appendChild(el("span", " " + text)); }
    var dates = evidenceDates(e);
    if (dates) { item.appendChild(el("span", " · " + dates, "kg-meta")); }
    item.appendChild(el("span", " "));
    item.appendChild(linkButton(t("evidence_n", { n: e.evidence.length }), function () { showRelation(e.id, e); }, "kg-evidence-button"));
    return item;
  }
  function articleItem(docId) {
    var item = el("li");
    var doc = documents[docId] || {};
    var head = el("span", (doc.date ? doc.date.slice(0, 10) + " " : "") + (doc.title || docId), "kg-doc-title");
    item.appendChild(head);
    var line = el("div", null, "kg-meta");
    if (doc.title) { line.appendChild(el("span", docId + " ")); }  // else the heading shows the id already
    line.appendChild(linkButton(t("show_article"), function () { articleSelect.value = docId; drawView(); }));
    var url = null;
    try { url = doc.url ? new URL(doc.url) : null; } catch (err) { url = null; }
    if (url && (url.protocol === "http:" || url.protocol === "https:")) {
      var a = el("a", t("open_article"));
      a.href = url.href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      line.appendChild(el("span", " · "));
      line.appendChild(a);
    }
    item.appendChild(line);
    return item;
  }
  function evidenceItem(ev) {
    var item = el("li");
    item.appendChild(el("p", ev.sentence, "kg-sentence"));
    item.appendChild(articleItem(ev.doc));
    return item;
  }
  function definitionList(pairs) {
    var dl = el("dl");
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "" || (Array.isArray(pair[1]) && !pair[1].length)) { return; }
      dl.appendChild(el("dt", pair[0]));
      dl.appendChild(el("dd", formatValue(pair[1])));
    });
    return dl;
  }

  // A community is named after its most important member drawn (view nodes come best first).
  var communityHeads = new Map();
  function communityName(iri) {
    var c = communities[iri];
    if (c === undefined) { return null; }
    return communityHeads.has(c) ? label(communityHeads.get(c)) + " …" : String(c + 1);
  }

  function renderProfile(profile) {
    var n = profile.node, iri = n.iri;
    Object.assign(documents, profile.documents || {});
    body.setAttribute("data-kg-selected", iri);
    clear(panel);
    panel.appendChild(el("h2", n.label, "kg-panel-title"));
    var tag = el("p", null, "kg-kind-tag");
    tag.appendChild(swatch(n.kind));
    tag.appendChild(el("span", kindName(n.kind) + (n.subtype ? " · " + n.subtype : "")));
    panel.appendChild(tag);
    var pairs = [[t("other_forms"), n.aliases], [t("articles"), n.docs.length], [t("connections"), n.degree],
                 [t("community"), communityName(iri)], [t("confidence"), n.confidence]];
    Object.keys(n.attrs || {}).forEach(function (k) { pairs.push([k, n.attrs[k]]); });
    panel.appendChild(definitionList(pairs));
    panel.appendChild(linkButton(t("expand"), function () { expand(iri); }, "kg-expand"));

    var positions = el("ul", null, "kg-positions"), people = el("ul", null, "kg-people");
    var units = el("ul", null, "kg-units"), parents = el("ul", null, "kg-parents"), others = el("ul", null, "kg-relations");
    // statements and figures (many, one sentence each) after the relations with other entities
    function minor(e) { var o = profile.nodes[e.from === iri ? e.to : e.from]; return o && (o.kind === "statement" || o.kind === "figure") ? 1 : 0; }
    profile.edges.slice().sort(function (a, b) { return minor(a) - minor(b); }).forEach(function (e) {
      var outgoing = e.from === iri, other = outgoing ? e.to : e.from;
      var status = e.former === true ? t("former") : e.former === false ? t("current") : "";
      var role = [e.title, status].filter(Boolean).join(" · ");
      if (outgoing && POSITION_RELATIONS.indexOf(e.relation) >= 0) {
        positions.appendChild(relationItem(e, other, relationName(e.relation) + (role ? " · " + role : "")));
      } else if (!outgoing && POSITION_RELATIONS.indexOf(e.relation) >= 0 && n.kind !== "person") {
        people.appendChild(relationItem(e, other, relationName(e.relation) + (role ? " · " + role : "")));
      } else if (e.relation === "sub_organization_of") {
        (outgoing ? parents : units).appendChild(relationItem(e, other, ""));
      } else {
        others.appendChild(relationItem(e, other, (outgoing ? "→ " : "← ") + relationName(e.relation)));
      }
    });
    [positions, people, units, parents, others].forEach(function (list) {
      while (list.childNodes.length > MAX_LISTED) { list.removeChild(list.lastChild); }
    });
    section(t("positions"), positions);
    section(t("people"), people);
    section(t("parents"), parents);
    section(t("units"), units);
    var co = el("ul", null, "kg-comentions");
    profile.comentions.forEach(function (pair) {
      var item = el("li");
      item.appendChild(entityButton(pair[0]));
      item.appendChild(el("span", " " + t("together", { n: pair[1] }), "kg-meta"));
      co.appendChild(item);
    });
    section(t("co_mentioned"), co);
    section(t("relations"), others);
    var evidence = el("ol", null, "kg-evidence");
    var seen = new Set();
    profile.edges.forEach(function (e) {
      e.evidence.forEach(function (ev) {
        var key = ev.doc + "\u0001" + ev.sentence;
        if (!seen.has(key) && seen.size < MAX_EVIDENCE) { seen.add(key); evidence.appendChild(evidenceItem(ev)); }
      });
    });
    section(t("evidence"), evidence);
    var articles = el("ul", null, "kg-docs");
    n.docs.slice().sort(function (a, b) { return compare(dateOf(b), dateOf(a)) || compare(a, b); }).slice(0, MAX_LISTED)
      .forEach(function (d) { articles.appendChild(articleItem(d)); });
    section(t("documents", { n: n.docs.length }), articles);
    panel.appendChild(el("p", n.iri, "kg-iri"));
  }

  function showRelation(eid, known_) {
    var e = known_ || null;
    var find = e ? Promise.resolve(e) : Promise.resolve(null);
    return find.then(function (found) {
      if (!found) {  // a click on a drawn relation: its details come with either end's profile
        var v = edges.get(eid);
        return source.entity(v.from).then(function (p) {
          remember(p.nodes);
          Object.assign(documents, p.documents || {});
          return p.edges.filter(function (x) { return x.id === eid; })[0];
        });
      }
      return found;
    }).then(function (rel) {
      if (!rel) { return; }
      body.setAttribute("data-kg-selected", rel.id);
      // select it only when it is drawn and visible: vis-network throws on an id its view does not hold
      if (edgeView.get(rel.id) !== null) { network.selectEdges([rel.id]); }
      clear(panel);
      var text = relationName(rel.relation) + (rel.title ? ": " + rel.title : "") + (rel.former ? " (" + t("former") + ")" : "");
      panel.appendChild(el("h2", text, "kg-panel-title"));
      var ends = el("p");
      ends.appendChild(entityButton(rel.from));
      ends.appendChild(el("span", " → "));
      ends.appendChild(entityButton(rel.to));
      panel.appendChild(ends);
      panel.appendChild(definitionList([[t("confidence"), rel.confidence]]));
      var list = el("ol", null, "kg-evidence");
      rel.evidence.forEach(function (ev) {
        var item = evidenceItem(ev);
        if (ev.start !== undefined && ev.end !== undefined) { item.appendChild(el("div", t("characters", { start: ev.start, end: ev.end }), "kg-meta")); }
        list.appendChild(item);
      });
      panel.appendChild(el("h3", t("evidence_n", { n: rel.evidence.length })));
      panel.appendChild(list);
    }).catch(showError);
  }

  function showError(err) {
    statusLine.textContent = t("error", { message: err && err.message ? err.message : String(err) });
  }

  source.legend().then(function (info) { buildLegend(info); return drawView(); }).catch(showError);
})();

/* kgraph interactive page.
 *
 * The graph arrives as JSON in <script id="kg-data">. Article text (labels, aliases, sentences, titles,
 * document ids) is untrusted: it reaches the DOM through textContent and DOM properties only, never through
 * innerHTML, and vis-network draws labels on its canvas (nodes carry no HTML "title" tooltip).
 *
 * Once the network is drawn, <body> carries data-kg-rendered="true", data-kg-placed (nodes in the network),
 * data-kg-visible (nodes not hidden by the legend) and data-kg-selected (the shown node's id); tests and
 * scripts read these. A "#q=NAME" fragment searches NAME and opens the first match.
 */
(function () {
  "use strict";

  var MAX_RESULTS = 30;
  var MAX_RELATIONS_LISTED = 200;

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var body = document.body;
  var searchInput = document.getElementById("kg-search");
  var resultsList = document.getElementById("kg-results");
  var statusLine = document.getElementById("kg-status");
  var panel = document.getElementById("kg-panel");
  var legendList = document.getElementById("kg-legend-list");

  // -- indexes -----------------------------------------------------------------------------------
  // Nodes and edges are keyed by IRI and by a stable edge id: the data lists one fragment per entity and
  // per relation, and the page makes vis-network's nodes and edges from them.
  var nodeList = data.nodes;
  var details = new Map();               // IRI -> details
  nodeList.forEach(function (n) { details.set(n.iri, n); });
  var edgeDetails = new Map();           // edge id -> details
  var incident = new Map();              // IRI -> ids of its edges
  nodeList.forEach(function (n) { incident.set(n.iri, []); });
  data.edges.forEach(function (e) {
    edgeDetails.set(e.id, e);
    incident.get(e.from).push(e.id);
    if (e.to !== e.from) { incident.get(e.to).push(e.id); }
  });
  var kindColor = new Map();
  var shownKinds = new Set();
  data.legend.forEach(function (entry) {
    kindColor.set(entry.kind, entry.color);
    if (!entry.hidden) { shownKinds.add(entry.kind); }
  });

  function shortLabel(label) {
    label = String(label);
    return label.length <= data.maxLabel ? label : label.slice(0, data.maxLabel - 1) + "\u2026";
  }
  // No "title" on vis items: vis-network renders it as HTML. Details go to the side panel instead.
  function visNode(n) {
    return { id: n.iri, label: shortLabel(n.label), group: n.kind, value: n.degree + 1, shape: "dot" };
  }
  var pairRank = new Map();              // edge id -> its rank among the edges of its two nodes
  var seenPerPair = new Map();
  data.edges.forEach(function (e) {
    var pair = e.from < e.to ? e.from + "\u0001" + e.to : e.to + "\u0001" + e.from;
    var rank = seenPerPair.get(pair) || 0;
    seenPerPair.set(pair, rank + 1);
    pairRank.set(e.id, rank);
  });
  function visEdge(e) {
    var label = e.relation + (e.title ? ": " + shortLabel(e.title) : "") + (e.former ? " (former)" : "");
    // Parallel edges between one pair of nodes get growing curvature so their labels do not overlap.
    var vis = { id: e.id, from: e.from, to: e.to, label: label,
                arrows: { to: { enabled: true, scaleFactor: 0.6 } },
                smooth: { enabled: true, type: "curvedCW", roundness: Math.round(15 * pairRank.get(e.id)) / 100 } };
    if (e.former) { vis.dashes = true; }
    return vis;
  }
  var drawnAtFirst = new Set(data.drawn);
  var reserveNodes = new Map();          // IRI -> vis node, for the entities not drawn yet
  var reserveEdges = new Map();          // edge id -> vis edge, for the relations not drawn yet
  var firstNodes = [];
  var firstEdges = [];
  nodeList.forEach(function (n) {
    if (drawnAtFirst.has(n.iri)) { firstNodes.push(visNode(n)); } else { reserveNodes.set(n.iri, visNode(n)); }
  });
  data.edges.forEach(function (e) {
    if (drawnAtFirst.has(e.from) && drawnAtFirst.has(e.to)) { firstEdges.push(visEdge(e)); }
    else { reserveEdges.set(e.id, visEdge(e)); }
  });

  function normalize(text) {
    return String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, "");
  }
  var searchKeys = nodeList.map(function (n) {
    return { id: n.iri, label: normalize(n.label), aliases: n.aliases.map(normalize) };
  });

  // -- small DOM helpers (text only) ---------------------------------------------------------------
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }
  function swatch(kind) {
    var s = el("span", null, "kg-swatch");
    s.style.backgroundColor = kindColor.get(kind) || "#79706e";
    return s;
  }
  function linkButton(text, onClick) {
    var b = el("button", text, "kg-link");
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
  }
  function formatValue(value) {
    if (Array.isArray(value)) { return value.map(formatValue).join(", "); }
    if (typeof value === "boolean") { return value ? "yes" : "no"; }
    return String(value);
  }

  // -- network -----------------------------------------------------------------------------------
  var nodes = new vis.DataSet(firstNodes);
  var edges = new vis.DataSet(firstEdges);
  function isVisible(id) {
    var n = nodes.get(id);
    return n !== null && shownKinds.has(n.group);
  }
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return shownKinds.has(n.group); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) { return isVisible(e.from) && isVisible(e.to); }
  });
  var network = new vis.Network(document.getElementById("kg-graph"),
                                { nodes: nodeView, edges: edgeView }, data.options);

  var stabilized = false;
  var pendingHash = true;
  function markRendered() {
    body.setAttribute("data-kg-rendered", "true");
    updateStatus();
  }
  network.on("stabilizationIterationsDone", function () {
    stabilized = true;
    if (pendingHash) { pendingHash = false; searchFromHash(); }
  });
  network.on("afterDrawing", function () {
    if ((stabilized || nodeView.length === 0) && body.getAttribute("data-kg-rendered") !== "true") {
      markRendered();
    }
  });
  network.on("click", function (params) {
    if (params.nodes.length) { showNode(params.nodes[0]); }
    else if (params.edges.length) { showEdge(params.edges[0]); }
  });

  function updateStatus() {
    var placed = nodes.length;
    var visible = nodeView.length;
    body.setAttribute("data-kg-placed", String(placed));
    body.setAttribute("data-kg-visible", String(visible));
    var text = "Showing " + visible + " of " + data.total + " entities";
    var hiddenByKind = placed - visible;
    if (hiddenByKind > 0) { text += "; " + hiddenByKind + " hidden by kind (tick them in the legend)"; }
    var leftOut = data.total - placed;
    if (leftOut > 0) { text += "; " + leftOut + " left out of the drawing (search to add them)"; }
    statusLine.textContent = text + ".";
    updateLegendCounts();
  }

  function updateLegendCounts() {
    var placedPerKind = new Map();
    nodes.forEach(function (n) { placedPerKind.set(n.group, (placedPerKind.get(n.group) || 0) + 1); });
    data.legend.forEach(function (entry) {
      var span = legendList.querySelector('span.kg-count[data-kind="' + CSS.escape(entry.kind) + '"]');
      var placed = placedPerKind.get(entry.kind) || 0;
      if (!span) { return; }
      span.textContent = placed < entry.count ? placed + "/" + entry.count : String(entry.count);
      span.title = placed < entry.count ? "drawn / in the graph" : "";
    });
  }

  // -- legend ------------------------------------------------------------------------------------
  data.legend.forEach(function (entry) {
    var item = el("li");
    item.setAttribute("data-kind", entry.kind);
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = !entry.hidden;
    box.setAttribute("data-kind", entry.kind);
    box.addEventListener("change", function () { setKindShown(entry.kind, box.checked); });
    label.appendChild(box);
    label.appendChild(swatch(entry.kind));
    label.appendChild(el("span", entry.kind, "kg-kind-name"));
    var countSpan = el("span", null, "kg-count");
    countSpan.setAttribute("data-kind", entry.kind);
    label.appendChild(countSpan);
    item.appendChild(label);
    legendList.appendChild(item);
  });

  function setKindShown(kind, shown) {
    if (shown) { shownKinds.add(kind); } else { shownKinds.delete(kind); }
    var box = legendList.querySelector('input[data-kind="' + CSS.escape(kind) + '"]');
    if (box) { box.checked = shown; }
    nodeView.refresh();
    edgeView.refresh();
    updateStatus();
  }

  // -- bringing left-out nodes in ----------------------------------------------------------------
  function placeNear(anchorId, index) {
    var pos = anchorId !== null && nodes.get(anchorId) ? network.getPosition(anchorId) : network.getViewPosition();
    var angle = index * 2.399963;  // golden angle: spreads new nodes without overlap
    var radius = 120 + 20 * Math.sqrt(index);
    return { x: pos.x + radius * Math.cos(angle), y: pos.y + radius * Math.sin(angle) };
  }
  function addNode(id, anchorId, index) {
    if (nodes.get(id) !== null || !reserveNodes.has(id)) { return false; }
    var n = Object.assign({}, reserveNodes.get(id), placeNear(anchorId, index));
    reserveNodes.delete(id);
    nodes.add(n);
    return true;
  }
  function ensureShown(id) {
    var added = [];
    if (nodes.get(id) === null) {
      var anchor = null;
      incident.get(id).forEach(function (eid) {
        var e = edgeDetails.get(eid);
        var other = e.from === id ? e.to : e.from;
        if (anchor === null && nodes.get(other) !== null) { anchor = other; }
      });
      if (addNode(id, anchor, 0)) { added.push(id); }
    }
    incident.get(id).forEach(function (eid) {
      var e = edgeDetails.get(eid);
      var other = e.from === id ? e.to : e.from;
      if (addNode(other, id, added.length + 1)) { added.push(other); }
    });
    added.forEach(function (nid) {
      incident.get(nid).forEach(function (eid) {
        var e = edgeDetails.get(eid);
        if (reserveEdges.has(eid) && nodes.get(e.from) !== null && nodes.get(e.to) !== null) {
          edges.add(reserveEdges.get(eid));
          reserveEdges.delete(eid);
        }
      });
    });
    var kind = details.get(id).kind;
    if (!shownKinds.has(kind)) { setKindShown(kind, true); }
    if (added.length) { updateStatus(); }
  }

  function choose(id) {
    ensureShown(id);
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 400 } });
    showNode(id);
    closeResults();
  }

  // -- search ------------------------------------------------------------------------------------
  function search(query) {
    var q = normalize(query);
    if (!q) { return []; }
    var matches = [];
    searchKeys.forEach(function (keys) {
      var id = keys.id;
      var score = -1;
      var alias = null;
      if (keys.label === q) { score = 0; }
      else if (keys.label.indexOf(q) === 0) { score = 2; }
      else if (keys.label.indexOf(q) > 0) { score = 4; }
      keys.aliases.forEach(function (a, i) {
        var s = a === q ? 1 : a.indexOf(q) === 0 ? 3 : a.indexOf(q) > 0 ? 5 : -1;
        if (s >= 0 && (score < 0 || s < score)) { score = s; alias = details.get(id).aliases[i]; }
      });
      if (score >= 0) { matches.push({ id: id, score: score, alias: alias }); }
    });
    function compare(x, y) { return x < y ? -1 : x > y ? 1 : 0; }
    matches.sort(function (a, b) {
      var da = details.get(a.id), db = details.get(b.id);
      return a.score - b.score || db.degree - da.degree || compare(da.label, db.label) || compare(a.id, b.id);
    });
    return matches;
  }

  var currentResults = [];
  var activeIndex = -1;
  function closeResults() {
    clear(resultsList);
    currentResults = [];
    activeIndex = -1;
  }
  function renderResults(matches) {
    clear(resultsList);
    currentResults = matches.slice(0, MAX_RESULTS);
    activeIndex = -1;
    currentResults.forEach(function (m) {
      var item = el("li");
      var b = el("button");
      b.type = "button";
      b.setAttribute("data-node", m.id);
      b.appendChild(swatch(details.get(m.id).kind));
      b.appendChild(el("span", details.get(m.id).label));
      if (m.alias !== null) { b.appendChild(el("span", "(" + m.alias + ")", "kg-match-alias")); }
      var where = details.get(m.id).kind + (nodes.get(m.id) === null ? " · not drawn" : "");
      b.appendChild(el("span", where, "kg-match-kind"));
      b.addEventListener("click", function () { choose(m.id); });
      item.appendChild(b);
      resultsList.appendChild(item);
    });
    if (searchInput.value.trim() && matches.length === 0) {
      resultsList.appendChild(el("li", "No match", "kg-none"));
    } else if (matches.length > MAX_RESULTS) {
      var more = "… " + (matches.length - MAX_RESULTS) + " more: type more of the name";
      resultsList.appendChild(el("li", more, "kg-none"));
    }
  }
  function setActive(index) {
    var items = resultsList.querySelectorAll("li");
    if (!currentResults.length) { return; }
    activeIndex = (index + currentResults.length) % currentResults.length;
    items.forEach(function (item, i) { item.className = i === activeIndex ? "kg-active" : ""; });
  }

  searchInput.addEventListener("input", function () {
    var matches = search(searchInput.value);
    renderResults(matches);
    // Highlight the matches already in the drawing and bring the best one into view.
    var drawn = matches.filter(function (m) { return nodeView.get(m.id) !== null; })
      .slice(0, MAX_RESULTS).map(function (m) { return m.id; });
    network.selectNodes(drawn);
    if (drawn.length) {
      network.focus(drawn[0], { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
    }
  });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") { event.preventDefault(); setActive(activeIndex + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); setActive(activeIndex - 1); }
    else if (event.key === "Enter") {
      event.preventDefault();
      if (currentResults.length) { choose(currentResults[Math.max(activeIndex, 0)].id); }
    } else if (event.key === "Escape") { closeResults(); }
  });

  function searchFromHash() {
    var match = /^#q=(.*)$/.exec(window.location.hash);
    if (!match) { return; }
    var query;
    try { query = decodeURIComponent(match[1].replace(/\+/g, " ")); } catch (err) { query = match[1]; }
    searchInput.value = query;
    var matches = search(query);
    if (matches.length) { choose(matches[0].id); } else { renderResults(matches); }
  }
  window.addEventListener("hashchange", searchFromHash);

  // -- side panel ---------------------------------------------------------------------------------
  function definitionList(pairs) {
    var dl = el("dl");
    pairs.forEach(function (pair) {
      if (pair[1] === undefined || pair[1] === null || pair[1] === "" ||
          (Array.isArray(pair[1]) && pair[1].length === 0)) { return; }
      dl.appendChild(el("dt", pair[0]));
      var dd = el("dd");
      if (pair[1] instanceof Node) { dd.appendChild(pair[1]); } else { dd.textContent = formatValue(pair[1]); }
      dl.appendChild(dd);
    });
    return dl;
  }
  function documentItem(docId) {
    var item = el("li");
    item.appendChild(el("span", docId, "kg-doc-id"));
    var doc = data.documents[docId];
    if (doc) {
      if (doc.title) { item.appendChild(el("span", " — " + doc.title)); }
      var publisher = doc.publisher && details.has(doc.publisher) ? details.get(doc.publisher).label : doc.publisher;
      var meta = [publisher, doc.date].filter(Boolean).join(" · ");
      if (meta) { item.appendChild(el("div", meta, "kg-meta")); }
      if (doc.url) {
        var url = null;
        try { url = new URL(doc.url); } catch (err) { url = null; }
        if (url && (url.protocol === "http:" || url.protocol === "https:")) {
          var a = el("a", doc.url, "kg-meta");
          a.href = url.href;
          a.target = "_blank";
          a.rel = "noopener noreferrer";
          var line = el("div");
          line.appendChild(a);
          item.appendChild(line);
        } else {
          item.appendChild(el("div", doc.url, "kg-meta"));
        }
      }
    }
    return item;
  }
  function kindTag(n) {
    var tag = el("span", null, "kg-kind-tag");
    tag.appendChild(swatch(n.kind));
    tag.appendChild(el("span", n.kind + (n.subtype ? " · " + n.subtype : "")));
    return tag;
  }
  function edgeLabel(e) {
    return e.relation + (e.title ? ": " + e.title : "") + (e.former ? " (former)" : "");
  }

  function showNode(id) {
    var n = details.get(id);
    if (!n) { return; }
    body.setAttribute("data-kg-selected", id);
    clear(panel);
    panel.appendChild(el("h2", n.label, "kg-panel-title"));
    panel.appendChild(kindTag(n));
    var pairs = [["aliases", n.aliases], ["kind", n.kind], ["subtype", n.subtype],
                 ["confidence", n.confidence], ["relations", n.degree]];
    Object.keys(n.attrs || {}).forEach(function (k) { pairs.push([k, n.attrs[k]]); });
    pairs.push(["IRI", el("span", n.iri, "kg-iri")]);
    panel.appendChild(definitionList(pairs));

    panel.appendChild(el("h3", "Documents (" + n.docs.length + ")"));
    var docs = el("ul", null, "kg-docs");
    n.docs.forEach(function (d) { docs.appendChild(documentItem(d)); });
    panel.appendChild(docs);

    var rels = incident.get(id);
    panel.appendChild(el("h3", "Relations (" + rels.length + ")"));
    var list = el("ul", null, "kg-relations");
    rels.slice(0, MAX_RELATIONS_LISTED).forEach(function (eid) {
      var e = edgeDetails.get(eid);
      var outgoing = e.from === id;
      var other = outgoing ? e.to : e.from;
      var item = el("li");
      item.appendChild(el("span", outgoing ? edgeLabel(e) + " → " : "← "));
      item.appendChild(linkButton(details.get(other).label, function () { choose(other); }));
      if (!outgoing) { item.appendChild(el("span", " " + edgeLabel(e))); }
      item.appendChild(el("span", " "));
      item.appendChild(linkButton("evidence (" + e.evidence.length + ")", function () { showEdge(eid); }));
      list.appendChild(item);
    });
    if (rels.length > MAX_RELATIONS_LISTED) {
      list.appendChild(el("li", "… " + (rels.length - MAX_RELATIONS_LISTED) + " more"));
    }
    panel.appendChild(list);
  }

  function showEdge(eid) {
    var e = edgeDetails.get(eid);
    if (!e) { return; }
    body.setAttribute("data-kg-selected", eid);
    if (edgeView.get(eid) !== null) { network.selectEdges([eid]); }  // a drawn edge: an edge to a hidden kind is not
    clear(panel);
    panel.appendChild(el("h2", edgeLabel(e), "kg-panel-title"));
    var ends = el("p");
    ends.appendChild(linkButton(details.get(e.from).label, function () { choose(e.from); }));
    ends.appendChild(el("span", " → "));
    ends.appendChild(linkButton(details.get(e.to).label, function () { choose(e.to); }));
    panel.appendChild(ends);
    panel.appendChild(definitionList([["relation", e.relation], ["title", e.title], ["former", e.former],
                                      ["confidence", e.confidence]]));
    panel.appendChild(el("h3", "Evidence (" + e.evidence.length + ")"));
    var list = el("ol", null, "kg-evidence");
    e.evidence.forEach(function (ev) {
      var item = el("li");
      item.appendChild(el("p", ev.sentence, "kg-sentence"));
      var doc = data.documents[ev.doc];
      var meta = "document: " + ev.doc + (doc && doc.title ? " — " + doc.title : "");
      if (ev.confidence !== undefined) { meta += " · confidence " + ev.confidence; }
      if (ev.start !== undefined && ev.end !== undefined) { meta += " · characters " + ev.start + "–" + ev.end; }
      item.appendChild(el("div", meta, "kg-meta"));
      list.appendChild(item);
    });
    panel.appendChild(list);
  }

  updateStatus();
  if (nodeView.length === 0) {  // nothing to stabilise: vis may never report it
    stabilized = true;
    pendingHash = false;
    searchFromHash();
  }
})();

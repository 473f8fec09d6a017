/* kgraph explorer: where the graph comes from. fromPage(data) answers from the graph inside the static page
 * (graph.html's data block); served() asks the JSON API of `kgraph serve`. Both give promises of the same shapes:
 *   legend()      -> {legend, total, documents}
 *   view(filters) -> {nodes, edges, together, candidates, communities, positions, total}
 *   search(text)  -> [{node, score, alias}], best first
 *   entity(iri)   -> {node, edges, nodes, comentions, documents}
 * kgraph.js, inlined after this file, draws and lists what they give.
 */
var kgraphSources = (function () {
  "use strict";

  var MAX_ARTICLE_VIEW = 120;  // entities drawn for one article at most

  function compare(x, y) { return x < y ? -1 : x > y ? 1 : 0; }
  function rankOrder(a, b) { return b.docs.length - a.docs.length || b.degree - a.degree || compare(a.iri, b.iri); }
  function normalize(text) { return String(text).normalize("NFKC").toLowerCase().replace(/\s+/g, ""); }

  function fromPage(data) {
    var details = new Map();
    var edgeDetails = new Map();
    var incident = new Map();
    var byDoc = new Map();
    data.nodes.forEach(function (n) {
      details.set(n.iri, n);
      incident.set(n.iri, []);
      n.docs.forEach(function (d) { if (!byDoc.has(d)) { byDoc.set(d, []); } byDoc.get(d).push(n.iri); });
    });
    data.edges.forEach(function (e) {
      edgeDetails.set(e.id, e);
      incident.get(e.from).push(e.id);
      if (e.to !== e.from) { incident.get(e.to).push(e.id); }
    });
    var ranked = data.nodes.slice().sort(rankOrder);  // the order of importance, once
    var keys = data.nodes.map(function (n) {
      return { iri: n.iri, label: normalize(n.label), aliases: n.aliases.map(normalize) };
    });
    function passes(n, f) {
      if (!f.kinds.has(n.kind) || n.docs.length < f.minDocs) { return false; }
      if (f.article && n.docs.indexOf(f.article) < 0) { return false; }
      if (f.from || f.to) {
        return n.docs.some(function (d) {
          var date = (data.documents[d] || {}).date;
          return date && (!f.from || date.slice(0, 10) >= f.from) && (!f.to || date.slice(0, 10) <= f.to);
        });
      }
      return true;
    }
    function links(nodes) {
      var ids = new Set(nodes.map(function (n) { return n.iri; }));
      var edges = [];
      ids.forEach(function (iri) {
        incident.get(iri).forEach(function (eid) {
          var e = edgeDetails.get(eid);
          if (e.from === iri && ids.has(e.to)) { edges.push(e); }
        });
      });
      var together = data.together.map(function (link) { return [data.pool[link[0]], data.pool[link[1]], link[2]]; })
        .filter(function (link) { return ids.has(link[0]) && ids.has(link[1]); });
      return { edges: edges, together: together };
    }
    return {
      legend: function () { return Promise.resolve({ legend: data.legend, total: data.total, documents: data.documents }); },
      view: function (f) {
        var unfiltered = f.minDocs <= 1 && !f.article && !f.from && !f.to;
        var whole = unfiltered && data.draw >= data.total;  // a small graph is drawn whole, every kind placed
        var limit = f.article ? Math.max(data.draw, MAX_ARTICLE_VIEW) : data.draw;
        var drawn = [], candidates = 0;
        ranked.forEach(function (n) {
          if (whole || passes(n, f)) {
            candidates += 1;
            if (drawn.length < limit) { drawn.push(n); }
          }
        });
        var found = links(drawn);
        return Promise.resolve({ nodes: drawn, edges: found.edges, together: found.together, candidates: candidates,
                                 communities: data.communities, positions: data.positions, total: data.total });
      },
      search: function (query) {
        var q = normalize(query);
        if (!q) { return Promise.resolve([]); }
        var matches = [];
        keys.forEach(function (k) {
          var score = k.label === q ? 0 : k.label.indexOf(q) === 0 ? 2 : k.label.indexOf(q) > 0 ? 4 : -1;
          var alias = null;
          k.aliases.forEach(function (a, i) {
            var s = a === q ? 1 : a.indexOf(q) === 0 ? 3 : a.indexOf(q) > 0 ? 5 : -1;
            if (s >= 0 && (score < 0 || s < score)) { score = s; alias = details.get(k.iri).aliases[i]; }
          });
          if (score >= 0) { matches.push({ node: details.get(k.iri), score: score, alias: alias }); }
        });
        matches.sort(function (a, b) { return a.score - b.score || rankOrder(a.node, b.node); });
        return Promise.resolve(matches);
      },
      entity: function (iri) {
        var n = details.get(iri);
        if (!n) { return Promise.reject(new Error(iri)); }
        var edges = incident.get(iri).map(function (eid) { return edgeDetails.get(eid); });
        var shared = new Map();
        n.docs.forEach(function (d) {
          (byDoc.get(d) || []).forEach(function (other) { if (other !== iri) { shared.set(other, (shared.get(other) || 0) + 1); } });
        });
        var comentions = Array.from(shared.entries()).filter(function (pair) {
          var kind = details.get(pair[0]).kind;
          return kind !== "statement" && kind !== "figure";
        }).sort(function (a, b) { return b[1] - a[1] || rankOrder(details.get(a[0]), details.get(b[0])); }).slice(0, 12);
        var nodes = {};
        nodes[iri] = n;
        edges.forEach(function (e) { nodes[e.from] = details.get(e.from); nodes[e.to] = details.get(e.to); });
        comentions.forEach(function (pair) { nodes[pair[0]] = details.get(pair[0]); });
        return Promise.resolve({ node: n, edges: edges, nodes: nodes, comentions: comentions, documents: data.documents });
      }
    };
  }

  function served() {
    function get(path, params) {
      var query = new URLSearchParams(params || {}).toString();
      return fetch(path + (query ? "?" + query : ""), { headers: { Accept: "application/json" } }).then(function (r) {
        if (!r.ok) { return r.text().then(function (text) { throw new Error(r.status + " " + text); }); }
        return r.json();
      });
    }
    function filterParams(f) {
      return { kinds: Array.from(f.kinds).join(","), min_docs: f.minDocs, from: f.from, to: f.to, article: f.article };
    }
    return {
      legend: function () { return get("api/legend"); },
      view: function (f) { return get("api/view", filterParams(f)); },
      search: function (query) {
        if (!normalize(query)) { return Promise.resolve([]); }
        return get("api/search", { q: query });
      },
      entity: function (iri) { return get("api/entity", { iri: iri }); }
    };
  }


  return { fromPage: fromPage, served: served, compare: compare, rankOrder: rankOrder, normalize: normalize };
})();

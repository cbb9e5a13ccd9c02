// The operations page: the figures refresh every minute (the section is replaced, never
// appended to), and the map of open reports by deadline state, grouped by the server in
// cells at the map's zoom. Works without tiles (the boundaries are drawn).
(function () {
  "use strict";

  // ---- the figures' minute refresh ------------------------------------------------------
  var parser = new DOMParser();
  function refresh() {
    var current = document.getElementById("ops-figures");
    if (!current || !current.dataset.refreshUrl) return;
    fetch(current.dataset.refreshUrl, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var fresh = parser.parseFromString(html, "text/html").getElementById("ops-figures");
        var now = document.getElementById("ops-figures");
        if (!fresh || !now) return;
        fresh.dataset.refreshes = String((parseInt(now.dataset.refreshes || "0", 10) || 0) + 1);
        now.replaceWith(document.importNode(fresh, true));
      })
      .catch(function (err) { if (window.console) console.warn("operations refresh:", err); });
    if (reloadMap) reloadMap(true);
  }
  // The map's cells and summary reload with the figures (set by the map below).
  var reloadMap = null;
  var figures = document.getElementById("ops-figures");
  if (figures) {
    var seconds = parseInt(figures.dataset.refreshSeconds || "60", 10) || 60;
    // A test may shorten the wait with ?refresh=<seconds> in the page's own address.
    var asked = /[?&]refresh=(\d+)/.exec(window.location.search);
    if (asked) seconds = Math.max(1, parseInt(asked[1], 10));
    window.setInterval(refresh, seconds * 1000);
  }

  // ---- the map ----------------------------------------------------------------------------
  var el = document.getElementById("ops-map");
  if (!el || typeof L === "undefined") return;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: 5, maxZoom: 19 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  map.setView([10.03, 105.78], 11);
  var colours = { on_time: "#1a7f37", due_soon: "#b7791f", overdue: "#b42318" };
  var en = el.dataset.lang === "en";
  var words = en
    ? { on_time: "on time", due_soon: "due soon", overdue: "overdue", reports: "open reports" }
    : { on_time: "đúng hạn", due_soon: "sắp đến hạn", overdue: "quá hạn", reports: "phản ánh đang mở" };
  var cells = L.layerGroup().addTo(map);
  var summary = document.getElementById("ops-map-summary");
  var fitted = false;

  function describe(cell) {
    var parts = [];
    ["overdue", "due_soon", "on_time"].forEach(function (s) {
      if (cell.states[s]) parts.push(cell.states[s] + " " + words[s]);
    });
    return cell.count + " " + words.reports + ": " + parts.join(", ");
  }

  // A cell holding reports in several states shows the count of each (overdue · due soon ·
  // on time, zeros included) with its worst state's colour as the border.
  var ORDER = ["overdue", "due_soon", "on_time"];
  function mixed(cell) {
    return ORDER.filter(function (s) { return cell.states[s]; }).length > 1;
  }
  function countsMarker(cell) {
    var box = document.createElement("span");
    box.className = "ops-cell worst-" + cell.state;
    ORDER.forEach(function (s, i) {
      if (i) box.appendChild(document.createTextNode("·"));
      var n = document.createElement("span");
      n.className = "n " + s;
      n.textContent = String(cell.states[s] || 0);
      box.appendChild(n);
    });
    return L.marker([cell.lat, cell.lng], {
      icon: L.divIcon({ className: "ops-cell-icon", html: box, iconSize: null }),
      keyboard: false
    });
  }

  function load(refreshing) {
    var url = el.dataset.cells + (el.dataset.cells.indexOf("?") < 0 ? "?" : "&") + "zoom=" + map.getZoom();
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (data) {
        cells.clearLayers(); // replace, never add up
        var bounds = [];
        data.cells.forEach(function (cell) {
          var marker = mixed(cell) ? countsMarker(cell) : L.circleMarker([cell.lat, cell.lng], {
            radius: cell.count === 1 ? 7 : Math.min(28, 9 + 4 * Math.log(cell.count)),
            weight: 2, color: "#fff", fillColor: colours[cell.state], fillOpacity: 0.9
          });
          marker.bindTooltip(describe(cell), { direction: "top" });
          if (cell.code) {
            var box = document.createElement("div");
            var link = document.createElement("a");
            link.href = el.dataset.reportUrl.replace("CODE", encodeURIComponent(cell.code));
            link.textContent = cell.code + " · " + words[cell.state];
            box.appendChild(link);
            marker.bindPopup(box);
          } else {
            marker.on("click", function () { map.setView([cell.lat, cell.lng], Math.min(map.getZoom() + 2, 19)); });
          }
          cells.addLayer(marker);
          bounds.push([cell.lat, cell.lng]);
        });
        el.dataset.cellCount = String(data.cells.length);
        el.dataset.markers = String(cells.getLayers().length);
        if (refreshing === true) {
          el.dataset.refreshedLoads = String((parseInt(el.dataset.refreshedLoads || "0", 10) || 0) + 1);
        }
        el.dataset.total = String(data.total);
        if (summary) {
          summary.textContent = data.total + " " + words.reports + " · " + data.states.overdue + " " +
            words.overdue + " · " + data.states.due_soon + " " + words.due_soon + " · " +
            data.states.on_time + " " + words.on_time;
        }
        if (!fitted && bounds.length) {
          fitted = true;
          map.fitBounds(bounds, { maxZoom: 14, padding: [20, 20] });
        }
        el.classList.add("loaded");
      })
      .catch(function (err) {
        el.classList.add("failed");
        if (window.console) console.error("operations map:", err);
      });
  }
  if (el.dataset.outline) {
    fetch(el.dataset.outline, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        L.geoJSON(data, {
          interactive: false,
          style: function (feature) {
            return feature.properties.level === "ward"
              ? { color: "#6b7a90", weight: 1, fill: false, dashArray: "3 3" }
              : { color: "#0b5cad", weight: 2, fillColor: "#dbe7f5", fillOpacity: 0.35 };
          }
        }).addTo(map).bringToBack();
        el.dataset.outlines = String(data.features.length);
      })
      .catch(function () { /* the reports still show */ });
  }
  map.on("zoomend", load);
  reloadMap = load;
  load();
})();

// The board's map: the reports matching the filters, clustered; works without tiles.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") return;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: 5, maxZoom: 19 });
  var tiles = el.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  map.setView([10.03, 105.78], 11);
  var statusText = el.dataset.lang === "en"
    ? { resolved: "Resolved", closed: "Closed" }
    : { resolved: "Đã xử lý", closed: "Đã đóng" };
  if (el.dataset.outline) {
    // The city's boundary under the reports: a map even without tiles.
    fetch(el.dataset.outline)
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        var outline = L.geoJSON(data, {
          interactive: false,
          renderer: L.svg({ padding: 3 }),
          style: { color: "#0b5cad", weight: 2, fillColor: "#dbe7f5", fillOpacity: 0.35 }
        }).addTo(map);
        outline.bringToBack();
        el.dataset.outlines = String(data.features.length);
      })
      .catch(function () { /* the reports still show */ });
  }
  var clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
  fetch(el.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          var p = feature.properties;
          var done = p.status === "resolved" || p.status === "closed";
          return L.circleMarker(latlng, {
            radius: 7, weight: 2, color: "#fff",
            fillColor: done ? "#1a7f37" : "#b42318", fillOpacity: 0.9
          });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          // Text only: user text never becomes HTML.
          var box = document.createElement("div");
          var link = document.createElement("a");
          link.href = "/r/" + encodeURIComponent(p.code);
          link.textContent = p.code + " · " + p.category_name;
          var desc = document.createElement("p");
          desc.textContent = (p.description || "").slice(0, 140);
          var state = document.createElement("p");
          state.textContent = statusText[p.status] || p.status_vi;
          box.appendChild(link); box.appendChild(state); box.appendChild(desc);
          marker.bindPopup(box);
        }
      });
      clusters.addLayer(layer);
      map.addLayer(clusters);
      if (layer.getLayers().length) map.fitBounds(clusters.getBounds(), { maxZoom: 15, padding: [20, 20] });
      el.dataset.markers = String(layer.getLayers().length);
      el.classList.add("loaded");
    })
    .catch(function (err) {
      el.classList.add("failed");
      el.dataset.markers = "0";
      if (window.console) console.error("map:", err);
    });
})();

// The report page's small map: the report's place on the city's outline; works without tiles.
(function () {
  "use strict";
  var el = document.getElementById("mini-map");
  if (!el || typeof L === "undefined") return;
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  if (isNaN(lat) || isNaN(lng)) return;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: 5, maxZoom: 19 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  map.setView([lat, lng], 15);
  L.circleMarker([lat, lng], {
    radius: 9, weight: 3, color: "#fff", fillColor: "#b42318", fillOpacity: 0.95
  }).addTo(map);
  if (el.dataset.outline) {
    fetch(el.dataset.outline)
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        L.geoJSON(data, {
          interactive: false,
          style: { color: "#0b5cad", weight: 2, fillColor: "#dbe7f5", fillOpacity: 0.35 }
        }).addTo(map).bringToBack();
      })
      .catch(function () { /* the marker still shows */ });
  }
})();

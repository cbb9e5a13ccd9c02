// Operator intake: a click on the map fills the form's latitude and longitude (they can
// be typed as well, and the ward chosen instead). The service area's outline is drawn
// under it; works without tiles (MAP_TILE_URL unset).
(function () {
  "use strict";
  var el = document.getElementById("intake-map");
  var latInput = document.getElementById("intake-lat");
  var lngInput = document.getElementById("intake-lng");
  var ward = document.getElementById("intake-ward");
  if (!el || !latInput || !lngInput || typeof L === "undefined") return;
  var map = L.map(el, { scrollWheelZoom: false, minZoom: 5, maxZoom: 19 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution || "" }).addTo(map);
  } else {
    el.classList.add("no-tiles");
  }
  var marker = null;
  function place(lat, lng) {
    if (marker) {
      marker.setLatLng([lat, lng]);
    } else {
      marker = L.circleMarker([lat, lng], {
        radius: 9, weight: 3, color: "#fff", fillColor: "#b42318", fillOpacity: 0.95,
        interactive: false
      }).addTo(map);
    }
  }
  var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
  var typed = !isNaN(lat) && !isNaN(lng);
  if (typed) {
    map.setView([lat, lng], 14);
    place(lat, lng);
  } else {
    map.setView([10.03, 105.78], 10);
  }
  map.on("click", function (event) {
    var point = event.latlng;
    latInput.value = point.lat.toFixed(6);
    lngInput.value = point.lng.toFixed(6);
    place(point.lat, point.lng);
    if (ward) ward.value = "";  // the click is the place: the ward would only be a fallback
  });
  function typedPlace() {
    var a = parseFloat(latInput.value), b = parseFloat(lngInput.value);
    if (isNaN(a) || isNaN(b)) return;
    place(a, b);
    map.setView([a, b], Math.max(map.getZoom(), 15));
  }
  latInput.addEventListener("change", typedPlace);
  lngInput.addEventListener("change", typedPlace);
  if (el.dataset.outline) {
    fetch(el.dataset.outline, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.features || !data.features.length) return;
        var layer = L.geoJSON(data, {
          interactive: false,
          style: { color: "#0b5cad", weight: 2, fillColor: "#dbe7f5", fillOpacity: 0.3 }
        }).addTo(map);
        layer.bringToBack();
        if (!typed) map.fitBounds(layer.getBounds());
      })
      .catch(function () { /* the form still works */ });
  }
})();

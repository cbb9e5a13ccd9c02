// The routing tester's map: the service area's boundaries; a click fills the latitude and
// longitude of the tester's form (they can be typed as well). Works without tiles.
(function () {
  "use strict";
  var el = document.getElementById("routing-map");
  var latInput = document.getElementById("test-lat");
  var lngInput = document.getElementById("test-lng");
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
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  var tested = !isNaN(lat) && !isNaN(lng);
  if (tested) {
    map.setView([lat, lng], 13);
    place(lat, lng);
  } else {
    map.setView([10.03, 105.78], 10);
  }
  map.on("click", function (event) {
    var point = event.latlng;
    latInput.value = point.lat.toFixed(6);
    lngInput.value = point.lng.toFixed(6);
    place(point.lat, point.lng);
  });
  if (el.dataset.areas) {
    fetch(el.dataset.areas, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.features || !data.features.length) return;
        var layer = L.geoJSON(data, {
          interactive: false,
          style: function (feature) {
            var top = !feature.properties.depth;
            return {
              color: "#0b5cad", weight: top ? 2 : 1,
              fillColor: "#dbe7f5", fillOpacity: top ? 0.3 : 0.15
            };
          }
        }).addTo(map);
        layer.bringToBack();
        if (!tested) map.fitBounds(layer.getBounds());
      })
      .catch(function () { /* the form still works */ });
  }
  var answer = document.getElementById("routing-answer");
  if (answer && window.location.hash === "#tester") answer.focus({ preventScroll: false });
})();

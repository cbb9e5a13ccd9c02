// A map where a click picks one point and fills a latitude and a longitude input (they can
// be typed as well): the operator intake's place and the routing tester's point. The
// service area is drawn under it from a GeoJSON URL; works without tiles (MAP_TILE_URL
// unset). window.phananhPointPicker(el, latInput, lngInput, options) returns
// {map, place}; options: start ([lat, lng] or null), zoom, areas (the GeoJSON URL),
// style (Leaflet's, or a function of the feature), onPick (called after a click).
(function () {
  "use strict";
  window.phananhPointPicker = function (el, latInput, lngInput, options) {
    if (!el || !latInput || !lngInput || typeof L === "undefined") return null;
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
    var start = options.start;
    if (start) {
      map.setView(start, options.zoom || 13);
      place(start[0], start[1]);
    } else {
      map.setView([10.03, 105.78], 10);
    }
    map.on("click", function (event) {
      var point = event.latlng;
      latInput.value = point.lat.toFixed(6);
      lngInput.value = point.lng.toFixed(6);
      place(point.lat, point.lng);
      if (options.onPick) options.onPick(point);
    });
    if (options.areas) {
      fetch(options.areas, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !data.features || !data.features.length) return;
          var layer = L.geoJSON(data, { interactive: false, style: options.style }).addTo(map);
          layer.bringToBack();
          if (!start) map.fitBounds(layer.getBounds());
        })
        .catch(function () { /* the form still works */ });
    }
    return { map: map, place: place };
  };
})();

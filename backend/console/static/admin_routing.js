// The routing tester's map (point_picker.js): the service area's boundaries; a click
// fills the latitude and longitude of the tester's form (they can be typed as well).
(function () {
  "use strict";
  var el = document.getElementById("routing-map");
  if (!el || !window.phananhPointPicker) return;
  var lat = parseFloat(el.dataset.lat), lng = parseFloat(el.dataset.lng);
  window.phananhPointPicker(el, document.getElementById("test-lat"), document.getElementById("test-lng"), {
    start: !isNaN(lat) && !isNaN(lng) ? [lat, lng] : null,
    zoom: 13,
    areas: el.dataset.areas,
    style: function (feature) {
      var top = !feature.properties.depth;
      return {
        color: "#0b5cad", weight: top ? 2 : 1,
        fillColor: "#dbe7f5", fillOpacity: top ? 0.3 : 0.15
      };
    }
  });
  var answer = document.getElementById("routing-answer");
  if (answer && window.location.hash === "#tester") answer.focus({ preventScroll: false });
})();

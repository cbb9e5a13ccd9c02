// Operator intake (point_picker.js): a click on the map fills the form's latitude and
// longitude (they can be typed as well, and the ward chosen instead). The service area's
// outline is drawn under it.
(function () {
  "use strict";
  var el = document.getElementById("intake-map");
  var latInput = document.getElementById("intake-lat");
  var lngInput = document.getElementById("intake-lng");
  var ward = document.getElementById("intake-ward");
  if (!el || !latInput || !lngInput || !window.phananhPointPicker) return;
  var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
  var picker = window.phananhPointPicker(el, latInput, lngInput, {
    start: !isNaN(lat) && !isNaN(lng) ? [lat, lng] : null,
    zoom: 14,
    areas: el.dataset.outline,
    style: { color: "#0b5cad", weight: 2, fillColor: "#dbe7f5", fillOpacity: 0.3 },
    // The click is the place: the ward would only be a fallback.
    onPick: function () { if (ward) ward.value = ""; }
  });
  if (!picker) return;
  function typedPlace() {
    var a = parseFloat(latInput.value), b = parseFloat(lngInput.value);
    if (isNaN(a) || isNaN(b)) return;
    picker.place(a, b);
    picker.map.setView([a, b], Math.max(picker.map.getZoom(), 15));
  }
  latInput.addEventListener("change", typedPlace);
  lngInput.addEventListener("change", typedPlace);
})();

// A small map for one organisation: the UK outline, its local authority and a pin.
// No tile server is needed; the boundaries come from the app itself.
(function () {
  "use strict";
  var el = document.getElementById("organisation-map");
  if (!el || !window.L) { return; }
  var lat = parseFloat(el.dataset.lat), lon = parseFloat(el.dataset.lon);
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: true }).setView([lat, lon], 9);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: ONS, OGL v3");
  function load(url, style) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      return L.geoJSON(data, { style: style, interactive: false }).addTo(map);
    });
  }
  load(el.dataset.outline, { color: "#6b7785", weight: 1, fillColor: "#e8ecef", fillOpacity: 1 }).then(function () {
    if (el.dataset.district) {
      return load(el.dataset.district, { color: "#0b5e63", weight: 2, fillColor: "#b9dcd9", fillOpacity: 0.6 });
    }
  }).then(function () {
    // Leaflet writes a string tooltip as HTML; a text node keeps a name written in it as text.
    L.circleMarker([lat, lon], { radius: 8, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 })
      .addTo(map).bindTooltip(document.createTextNode(el.dataset.name));
  });
})();

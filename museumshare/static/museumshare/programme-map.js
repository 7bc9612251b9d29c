// A small map of a programme's member organisations: the UK outline and a pin for each member.
// The table beside it lists the same members, so the map adds nothing a keyboard or screen
// reader user misses; the pins take no focus and the page scrolls past the map as usual.
(function () {
  "use strict";
  var el = document.getElementById("programme-map");
  var source = document.getElementById("programme-map-data");
  if (!el || !source || !window.L) { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: true }).setView([54.5, -3], 5);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: ONS, OGL v3");
  var bounds = L.latLngBounds([]);
  fetch(el.dataset.outline).then(function (r) { return r.json(); }).then(function (geojson) {
    L.geoJSON(geojson, {
      style: { color: "#6b7785", weight: 1, fillColor: "#e8ecef", fillOpacity: 1 },
      interactive: false
    }).addTo(map);
  }).catch(function () {
    // Without the outline the pins still show where the members are.
  }).then(function () {
    data.points.forEach(function (point) {
      // Leaflet writes a string tooltip as HTML; a text node keeps a name written in it as text.
      L.circleMarker([point.lat, point.lon], { radius: 8, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 })
        .addTo(map).bindTooltip(document.createTextNode(point.name + " (" + point.role + ")"));
      bounds.extend([point.lat, point.lon]);
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 7 });
    }
  });
})();

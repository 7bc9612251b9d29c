// A small map of where an activity happened: the UK outline, any local authorities given
// without a point, and a pin for each place with one. No tile server is needed.
(function () {
  "use strict";
  var el = document.getElementById("activity-map");
  var source = document.getElementById("activity-map-data");
  if (!el || !source || !window.L) { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: true }).setView([54.5, -3], 5);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: ONS, OGL v3");
  var bounds = L.latLngBounds([]);
  function load(url, style) {
    return fetch(url).then(function (r) { return r.json(); }).then(function (geojson) {
      return L.geoJSON(geojson, { style: style, interactive: false }).addTo(map);
    });
  }
  load(el.dataset.outline, { color: "#6b7785", weight: 1, fillColor: "#e8ecef", fillOpacity: 1 }).then(function () {
    return Promise.all(data.districts.map(function (url) {
      return load(url, { color: "#0b5e63", weight: 2, fillColor: "#b9dcd9", fillOpacity: 0.6 }).then(function (layer) {
        bounds.extend(layer.getBounds());
      });
    }));
  }).then(function () {
    data.points.forEach(function (point) {
      // Leaflet writes a string tooltip as HTML; a text node keeps a name written in it as text.
      L.circleMarker([point.lat, point.lon], { radius: 8, color: "#ffffff", weight: 2, fillColor: "#b3261e", fillOpacity: 1 })
        .addTo(map).bindTooltip(document.createTextNode(point.name));
      bounds.extend([point.lat, point.lon]);
    });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 6 });
    }
  });
})();

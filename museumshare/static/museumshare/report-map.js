// A small map of the venues that borrowed from the national collections in the report's year: the
// UK outline and a dot for each venue, larger for more loans, see-through where they crowd, the
// smaller drawn over the larger. The table beside it lists the same venues and loans, so the map
// adds nothing a keyboard or screen reader user misses; the dots take no focus and the page
// scrolls past the map as usual.
(function () {
  "use strict";
  var el = document.getElementById("report-map");
  var source = document.getElementById("report-map-data");
  if (!el || !source || !window.L) { return; }
  var venues = JSON.parse(source.textContent);
  var map = L.map(el, { scrollWheelZoom: false, attributionControl: true, zoomSnap: 0.25 }).setView([54.5, -3], 5);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: ONS, OGL v3");
  var most = venues.reduce(function (m, v) { return Math.max(m, v.loans || 0); }, 1);
  var bounds = L.latLngBounds([]);
  venues.slice().sort(function (a, b) { return (b.loans || 0) - (a.loans || 0); }).forEach(function (venue) {
    var loans = venue.loans || 0;
    var label = venue.name + (venue.loans === null ? "" : ": " + loans.toLocaleString("en-GB") + (loans === 1 ? " loan" : " loans"));
    // Leaflet writes a string tooltip as HTML; a text node keeps a name written in it as text.
    L.circleMarker([venue.lat, venue.lon], {
      radius: 3 + 8 * Math.sqrt(loans / most), color: "#ffffff", weight: 0.75, fillColor: "#b3261e", fillOpacity: 0.7
    }).addTo(map).bindTooltip(document.createTextNode(label));
    bounds.extend([venue.lat, venue.lon]);
  });
  if (bounds.isValid()) {
    map.fitBounds(bounds, { padding: [20, 20], maxZoom: 7 });
  }
  // The outline arrives after the dots, and goes behind them; without it the dots still show where the venues are.
  fetch(el.dataset.outline).then(function (r) { return r.json(); }).then(function (geojson) {
    L.geoJSON(geojson, {
      style: { color: "#6b7785", weight: 1, fillColor: "#e8ecef", fillOpacity: 1 },
      interactive: false
    }).addTo(map).bringToBack();
  }).catch(function () {});
})();

// The map of partnership activity: the areas coloured by the chosen figure, museums and venues
// (grouped where they crowd together), loans as lines from lender to venue, cold spots, and the
// areas with unmet needs.
// The table under the map holds the same figures and works without this script; the map only
// appears once the script runs, and a link before it skips to the table.
(function () {
  "use strict";
  var wrap = document.getElementById("atlas-map-wrap");
  var el = document.getElementById("atlas-map");
  if (!wrap || !el || !window.L || !window.fetch) { return; }
  wrap.hidden = false;
  var status = document.getElementById("atlas-status");
  var measure = el.dataset.measure;
  var UK = L.latLngBounds([49.85, -8.2], [60.9, 1.8]);

  // No fading: a popup is readable (and its contrast right) the moment it opens.
  var map = L.map(el, { scrollWheelZoom: false, zoomSnap: 0.25, minZoom: 4, maxZoom: 12, fadeAnimation: false });
  map.fitBounds(UK);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Boundaries: ONS, OGL v3");
  map.attributionControl.addAttribution('Museums: <a href="https://www.mappingmuseums.org">Mapping Museums</a>, CC BY');
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { attribution: el.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
  }
  // One pane (and so one SVG) each, drawn in this order, so the lines sit above the areas.
  [["areas", 400], ["labels", 430], ["coldspots", 440], ["flows", 450], ["points", 460], ["needs", 470]].forEach(function (pane) {
    map.createPane(pane[0]).style.zIndex = pane[1];
  });
  map.getPane("labels").style.pointerEvents = "none";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }
  function number(n) { return Number(n).toLocaleString("en-GB"); }
  function plural(n, one, many) { return number(n) + " " + (n === 1 ? one : many); }
  // Tooltips, popups and badges are built as elements with their names as text, never as HTML
  // strings, so a name can never become markup. Strings in `parts` become text nodes.
  function node(tag, className, parts) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    (parts || []).forEach(function (part) {
      element.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
    return element;
  }
  function link(href, text) {
    var a = node("a", "", [text]);
    a.setAttribute("href", href);
    return a;
  }
  function lines(first, second) {
    return node("span", "", [first, document.createElement("br"), second]);
  }

  function drawAreas(data, boundaries) {
    var byCode = {};
    data.areas.forEach(function (area) { byCode[area.code] = area; });
    var filled = !!el.dataset.tiles;
    var fine = data.level === "district" || data.level === "upper_tier";
    function style(feature) {
      var area = byCode[feature.properties.code];
      return {
        pane: "areas", className: "atlas-area atlas-area--" + feature.properties.code,
        color: "#ffffff", weight: fine ? 0.5 : 1.2,
        fillColor: area ? area.colour : data.none_colour, fillOpacity: filled ? 0.75 : 1
      };
    }
    var layer = L.geoJSON(boundaries, {
      style: style,
      onEachFeature: function (feature, shape) {
        var area = byCode[feature.properties.code] || { name: feature.properties.name, value: 0 };
        var figure = measure + ": " + number(area.value) + " (" + data.years + ")";
        shape.bindTooltip(lines(node("strong", "", [area.name]), figure), { sticky: true });
        var onward = area.register
          ? link(area.register, "See its activities in the register")
          : area.drill ? link(area.drill, "See its local authorities on the map") : null;
        var popup = node("div", "", [node("p", "atlas-popup__name", [area.name]), node("p", "", [figure])]);
        if (onward) { popup.appendChild(node("p", "", [onward])); }
        shape.bindPopup(popup, { maxWidth: 260 });
        shape.on("mouseover", function () { shape.setStyle({ color: "#1b1f23", weight: 2.5 }); shape.bringToFront(); });
        shape.on("mouseout", function () { layer.resetStyle(shape); });
      }
    }).addTo(map);
    // A few large areas carry their figure in words on the map itself, not only as a colour.
    if (!fine) {
      layer.eachLayer(function (shape) {
        var area = byCode[shape.feature.properties.code];
        if (!area) { return; }
        L.tooltip({ permanent: true, direction: "center", className: "atlas-label", pane: "labels", interactive: false })
          .setLatLng(largestPartCentre(shape)).setContent(lines(area.name, node("strong", "", [number(area.value)])))
          .addTo(map);
      });
    }
    return layer;
  }

  function largestPartCentre(shape) {
    // Multi-part areas (Scotland and its islands) are labelled on their largest part.
    var parts = shape.getLatLngs();
    if (!Array.isArray(parts[0][0])) { parts = [parts]; }
    var best = null, bestSize = -1;
    parts.forEach(function (rings) {
      var bounds = L.latLngBounds(rings[0]);
      var size = (bounds.getNorth() - bounds.getSouth()) * (bounds.getEast() - bounds.getWest());
      if (size > bestSize) { best = rings[0]; bestSize = size; }
    });
    return L.PolyUtil.polygonCenter(best, map.options.crs);
  }

  function drawColdSpots(spots, districts) {
    var wanted = {};
    spots.forEach(function (spot) { wanted[spot.code] = spot; });
    return L.geoJSON(districts, {
      filter: function (feature) { return wanted[feature.properties.code] !== undefined; },
      style: { pane: "coldspots", color: "#b3261e", weight: 2, dashArray: "5 4", fill: false, interactive: false }
    });
  }

  function drawFlows(flows) {
    var layer = L.layerGroup();
    var most = flows.reduce(function (m, f) { return Math.max(m, f.objects); }, 1);
    flows.forEach(function (flow) {
      var a = L.latLng(flow.lender_lat, flow.lender_lon), b = L.latLng(flow.venue_lat, flow.venue_lon);
      var line = L.polyline(curve(a, b), {
        pane: "flows", className: "atlas-flow", color: "#c2410c", opacity: 0.85, lineCap: "round",
        weight: 1.5 + 7 * Math.sqrt(flow.objects / most)
      });
      line.bindTooltip(lines(flow.lender + " → " + flow.venue,
        plural(flow.loans, "loan", "loans") + ", " + plural(flow.objects, "object", "objects")), { sticky: true });
      layer.addLayer(line);
      layer.addLayer(L.circleMarker(b, { pane: "flows", radius: 3, color: "#c2410c", fillOpacity: 1, weight: 1, interactive: false }));
    });
    return layer;
  }

  function curve(a, b) {
    // A gentle arc, bending to the right of the way the loan travels, so lines to and from the
    // same place stay apart and the direction can be read.
    var dx = b.lng - a.lng, dy = b.lat - a.lat;
    var c = L.latLng(a.lat + dy / 2 - dx * 0.15, a.lng + dx / 2 + dy * 0.15);
    var points = [];
    for (var i = 0; i <= 24; i++) {
      var t = i / 24, u = 1 - t;
      points.push([u * u * a.lat + 2 * u * t * c.lat + t * t * b.lat, u * u * a.lng + 2 * u * t * c.lng + t * t * b.lng]);
    }
    return points;
  }

  function pointsLayer(points) {
    // Points closer than a cell's width on screen are drawn as one numbered circle; zooming in
    // (or clicking it) separates them.
    var layer = L.layerGroup(), CELL = 40;
    function draw() {
      layer.clearLayers();
      var cells = {}, zoom = map.getZoom();
      points.forEach(function (point) {
        var p = map.project([point.lat, point.lon], zoom);
        var key = Math.floor(p.x / CELL) + ":" + Math.floor(p.y / CELL);
        (cells[key] = cells[key] || []).push(point);
      });
      Object.keys(cells).forEach(function (key) {
        var group = cells[key];
        if (group.length === 1) {
          var point = group[0];
          L.circleMarker([point.lat, point.lon], {
            pane: "points", radius: 5, color: "#ffffff", weight: 1.5, fillColor: "#1b1f23", fillOpacity: 1
          }).bindTooltip(lines(node("strong", "", [point.name]),
            plural(point.activities, "activity", "activities") + ", " + plural(point.loans, "loan", "loans"))).addTo(layer);
          return;
        }
        var bounds = L.latLngBounds(group.map(function (p) { return [p.lat, p.lon]; }));
        var size = Math.min(44, 22 + Math.round(Math.sqrt(group.length) * 4));
        L.marker(bounds.getCenter(), {
          pane: "points", keyboard: false,
          icon: L.divIcon({ className: "atlas-cluster", html: String(group.length), iconSize: [size, size] })
        }).bindTooltip(plural(group.length, "museum or venue", "museums and venues") + " here: click to zoom in")
          .on("click", function () { map.fitBounds(bounds.pad(0.5), { maxZoom: Math.min(zoom + 3, 12) }); })
          .addTo(layer);
      });
    }
    map.on("zoomend", draw);
    draw();
    return layer;
  }

  function needsLayer(data, areasLayer) {
    // A badge with how many open needs, in each area that has any: under the area's name where the
    // map writes one (as drawAreas does), otherwise pointing at the middle of the area. It opens a
    // popup with the way to those needs on the board.
    var wanted = {}, named = {};
    data.open_needs.forEach(function (area) { wanted[area.code] = area; });
    if (data.level === "nation" || data.level === "region") {
      data.areas.forEach(function (area) { named[area.code] = true; });
    }
    var layer = L.layerGroup();
    areasLayer.eachLayer(function (shape) {
      var area = wanted[shape.feature.properties.code];
      if (!area) { return; }
      var labelled = named[area.code] === true;
      var count = plural(area.value, "open need", "open needs");
      var width = 16 + 8 * number(area.value).length, height = 24, gap = 6;
      L.marker(largestPartCentre(shape), {
        pane: "needs",
        icon: L.divIcon({
          className: "atlas-need" + (labelled ? " atlas-need--below" : ""),
          html: node("span", "", [
            number(area.value), node("span", "visually-hidden", [" " + count.replace(/^[0-9,]+ /, "") + " in " + area.name])
          ]),
          iconSize: [width, height],
          iconAnchor: labelled ? [width / 2, -22] : [width / 2, height + gap],
          popupAnchor: labelled ? [0, 22] : [0, -(height + gap)]
        })
      }).bindPopup(node("div", "", [
        node("p", "atlas-popup__name", [area.name]),
        node("p", "", [count + " that you can see"]),
        node("p", "", [link(area.board, "See them on the needs board")])
      ]), { maxWidth: 260 }).addTo(layer);
    });
    return layer;
  }

  function followCheckbox(layer) {
    // The layer, the checkbox above the map, its key and the address all say the same: shown or not.
    var box = document.getElementById("id_needs");
    var key = document.getElementById("atlas-legend-needs");
    if (box && box.checked) { layer.addTo(map); }
    layer.on("add remove", function () {
      var on = map.hasLayer(layer);
      if (box) { box.checked = on; }
      if (key) { key.hidden = !on; }
      var here = new URL(window.location.href);
      // The links that keep the map's choices (sorting the table, a county's local authorities) keep this one too.
      var links = document.querySelectorAll('a[href^="?"], a[href^="' + here.pathname + '?"]');
      [here].concat(Array.prototype.map.call(links, function (a) { return new URL(a.href); })).forEach(function (url, i) {
        if (on) { url.searchParams.set("needs", "on"); } else { url.searchParams.delete("needs"); }
        if (i === 0) { window.history.replaceState(null, "", url); } else { links[i - 1].href = url.pathname + url.search + url.hash; }
      });
    });
    if (box) {
      box.addEventListener("change", function () {
        if (box.checked) { layer.addTo(map); } else { map.removeLayer(layer); }
      });
    }
  }

  status.textContent = "Loading the map…";
  Promise.all([getJSON(el.dataset.source), getJSON(el.dataset.boundaries)]).then(function (loaded) {
    var data = loaded[0];
    var areas = drawAreas(data, loaded[1]);
    var control = L.control.layers(null, null, { collapsed: false, position: "topright" });
    if (data.open_needs.length) {
      var needs = needsLayer(data, areas);
      followCheckbox(needs);
      control.addOverlay(needs, "Unmet needs");
    }
    if (data.points.length) {
      control.addOverlay(pointsLayer(data.points).addTo(map), "Museums and venues");
    }
    if (data.flows.length) {
      control.addOverlay(drawFlows(data.flows).addTo(map), "Loans, lender to venue");
    }
    status.textContent = "";
    var cold = data.cold_spots.length ? getJSON(el.dataset.districts).then(function (districts) {
      // Where most places are cold spots, outlining them all would hide the map: they start
      // hidden then, and the list under the map names them.
      var cold = drawColdSpots(data.cold_spots, districts);
      if (data.cold_spots.length <= 40) { cold.addTo(map); }
      control.addOverlay(cold, "Cold spots");
    }) : Promise.resolve();
    return cold.then(function () {
      if (data.points.length || data.flows.length || data.cold_spots.length || data.open_needs.length) {
        control.addTo(map);
      }
      el.dataset.ready = "true";
    });
  }).catch(function () {
    status.textContent = "The map could not be loaded. The table below has the same figures.";
    el.dataset.ready = "error";
  });
})();

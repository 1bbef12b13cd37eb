/* The indicators dashboard (/chi-tieu/): charts (Chart.js), the hour × weekday grid and the map (Leaflet with
 * leaflet.markercluster), all drawn from the indicators API. No inline script: the page passes what this needs in
 * <script type="application/json" id="dashboard-config"> (Django's json_script), which the CSP allows.
 *
 * The headline figures, the full table and the overdue lists are rendered by the server and need none of this.
 * Each chart offers its data as CSV: the crosstab's from the API (format=csv), the others made here from the
 * same JSON the chart was drawn from. A card's data-state is "loading", then "drawn" or "failed".
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  var VIETNAM = [16.0, 106.5];
  var VIETNAM_ZOOM = 5;
  var UNIT_ZOOM = 12;
  var MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var THIS_YEAR = "#a3151b";
  var LAST_YEAR = "#8a96a3";
  var SEVERITY_COLOURS = ["#7a0d12", "#c62828", "#ef6c00", "#f9a825", "#8a96a3", "#5b6775", "#b3bac2"];

  var config = null;
  var charts = {};

  /* Helpers ------------------------------------------------------------------------------------- */

  /* A message of the page's; one with forms for one and many ([one, many]) is chosen by values.n. */
  function text(key, values) {
    var message = (config.text && config.text[key]) || key;
    if (Array.isArray(message)) message = values && Number(values.n) === 1 ? message[0] : message[1];
    if (values) {
      Object.keys(values).forEach(function (name) {
        var value = values[name];
        message = message.split("%(" + name + ")s").join(typeof value === "number" ? number(value) : String(value));
      });
    }
    return message;
  }

  /* Vietnamese conventions in both languages, as the server writes them: 1.234 and 10,2. */
  function number(value) {
    if (value === null || value === undefined || value === "") return "—";
    return Number(value).toLocaleString("vi-VN", { maximumFractionDigits: 1 });
  }

  function query(params) {
    var parts = [];
    Object.keys(params).forEach(function (name) {
      var value = params[name];
      if (value === null || value === undefined || value === "") return;
      parts.push(encodeURIComponent(name) + "=" + encodeURIComponent(value));
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  function scoped(params) {
    params.unit = config.unit;
    params.on = config.on;
    return params;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined && content !== null) node.textContent = content;
    return node;
  }

  function when(iso) {
    var moment = new Date(iso);
    if (isNaN(moment.getTime())) return iso || "";
    return moment.toLocaleString("vi-VN", {
      timeZone: config.timeZone || "Asia/Ho_Chi_Minh",
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
  }

  /* "2026-01-31" → "31/01/2026" */
  function day(iso) {
    var parts = String(iso || "").split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] + "/" + parts[0] : iso || "";
  }

  function card(id) {
    return document.getElementById(id);
  }

  function setState(id, state, message) {
    var box = card(id);
    if (!box) return;
    box.dataset.state = state;
    var status = box.querySelector(".chart-status");
    if (status) status.textContent = message || "";
  }

  /* CSV ----------------------------------------------------------------------------------------- */

  function csvCell(value) {
    if (value === null || value === undefined) return "";
    var cell = String(value);
    return /[",\r\n]/.test(cell) ? '"' + cell.replace(/"/g, '""') + '"' : cell;
  }

  function offerCsv(link, rows, name) {
    if (!link) return;
    var body = rows.map(function (row) { return row.map(csvCell).join(","); }).join("\r\n") + "\r\n";
    if (link.dataset.objectUrl) URL.revokeObjectURL(link.dataset.objectUrl);
    // With a BOM, as the server's CSV: Excel then reads the Vietnamese correctly.
    var url = URL.createObjectURL(new Blob(["\ufeff" + body], { type: "text/csv;charset=utf-8" }));
    link.dataset.objectUrl = url;
    link.href = url;
    link.download = name + ".csv";
    link.hidden = false;
  }

  function fileName(what) {
    return ["chi-tieu", what, config.unit || "ca-nuoc", config.period.replace(/[^0-9A-Za-z_.-]+/g, "-")].join("-");
  }

  /* Charts -------------------------------------------------------------------------------------- */

  function draw(id, type, data, options) {
    if (charts[id]) charts[id].destroy();
    var canvas = document.getElementById(id);
    options = options || {};
    options.animation = false;
    options.responsive = true;
    options.maintainAspectRatio = false;
    options.locale = "vi-VN";
    charts[id] = new Chart(canvas, { type: type, data: data, options: options });
    canvas.dataset.drawn = "1";
    return charts[id];
  }

  function monthLabels() {
    var labels = [];
    for (var m = 1; m <= 12; m++) labels.push(config.lang === "en" ? MONTHS_EN[m - 1] : "T" + m);
    return labels;
  }

  function chosenIndicator() {
    var select = document.getElementById("chart-indicator");
    return select ? select.value : "traffic.accidents";
  }

  function indicatorName(code) {
    return (config.indicators && config.indicators[code]) || code;
  }

  function loadTrend() {
    var code = chosenIndicator();
    setState("card-trend", "loading");
    var url = config.api.trend + query(scoped({ year: config.year, indicator: code }));
    return getJSON(url)
      .then(function (trend) {
        var labels = monthLabels();
        draw(
          "chart-trend",
          "line",
          {
            labels: labels,
            datasets: [
              { label: String(trend.year), data: trend.this_year, borderColor: THIS_YEAR,
                backgroundColor: THIS_YEAR, borderWidth: 2, cubicInterpolationMode: "monotone", spanGaps: true },
              { label: String(trend.year - 1), data: trend.last_year, borderColor: LAST_YEAR,
                backgroundColor: LAST_YEAR, borderWidth: 2, borderDash: [5, 4], cubicInterpolationMode: "monotone", spanGaps: true },
            ],
          },
          { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
            plugins: { title: { display: true, text: indicatorName(code) } } }
        );
        var rows = [[text("month"), String(trend.year), String(trend.year - 1)]];
        for (var i = 0; i < 12; i++) rows.push([trend.months[i], trend.this_year[i], trend.last_year[i]]);
        offerCsv(document.getElementById("csv-trend"), rows, fileName(code + "-" + trend.year));
        setState("card-trend", "drawn");
      })
      .catch(function () {
        setState("card-trend", "failed", text("failed"));
      });
  }

  function loadUnits() {
    var code = chosenIndicator();
    setState("card-units", "loading");
    var params = scoped({ indicator: code, year: config.year, by: "month" });
    var link = document.getElementById("csv-units");
    return getJSON(config.api.crosstab + query(params))
      .then(function (table) {
        // Each row's last value is the whole year (the columns' span).
        var labels = table.rows.map(function (row) { return row.unit.name; });
        var values = table.rows.map(function (row) { return row.values[row.values.length - 1]; });
        var box = document.getElementById("units-box");
        var horizontal = labels.length > 6;
        if (box) box.style.height = (horizontal ? Math.max(260, 26 * labels.length + 60) : 260) + "px";
        draw(
          "chart-units",
          "bar",
          { labels: labels, datasets: [{ label: indicatorName(code), data: values, backgroundColor: THIS_YEAR }] },
          { indexAxis: horizontal ? "y" : "x", plugins: { legend: { display: false } },
            scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } } }
        );
        if (link) {
          params.format = "csv";
          link.href = config.api.crosstab + query(params);
          link.download = fileName(code + "-" + config.year + "-don-vi") + ".csv";
          link.hidden = false;
        }
        setState("card-units", "drawn", labels.length ? "" : text("noData"));
      })
      .catch(function () {
        setState("card-units", "failed", text("failed"));
      });
  }

  function drawSeverity() {
    var classes = config.severity || [];
    var labels = classes.map(function (c) { return c.name; });
    var values = classes.map(function (c) { return c.value; });
    var total = values.reduce(function (sum, v) { return sum + (v || 0); }, 0);
    draw(
      "chart-severity",
      "doughnut",
      { labels: labels, datasets: [{ data: values, backgroundColor: SEVERITY_COLOURS.slice(0, values.length) }] },
      { plugins: { legend: { position: "bottom" } } }
    );
    var rows = [[text("severity"), text("value")]];
    classes.forEach(function (c) { rows.push([c.name, c.value]); });
    offerCsv(document.getElementById("csv-severity"), rows, fileName("muc-do"));
    setState("card-severity", "drawn", total ? "" : text("noData"));
  }

  function heatClass(count, max) {
    if (!count || !max) return "heat-0";
    return "heat-" + Math.max(1, Math.ceil((5 * count) / max));
  }

  function loadGrid() {
    var kind = document.getElementById("grid-kind").value;
    setState("card-grid", "loading");
    return getJSON(config.api.grid + query(scoped({ kind: kind, period: config.period })))
      .then(function (grid) {
        var days = config.lang === "en" ? grid.weekdays_en : grid.weekdays_vi;
        var max = 0;
        grid.counts.forEach(function (row) { row.forEach(function (n) { max = Math.max(max, n); }); });
        var table = element("table", "heat");
        table.id = "heat-table";
        var head = table.createTHead().insertRow();
        head.appendChild(element("th", "", ""));
        for (var h = 0; h < 24; h++) {
          var th = element("th", "", String(h));
          th.scope = "col";
          head.appendChild(th);
        }
        var body = table.createTBody();
        var rows = [[text("weekday") + " / " + text("hour")].concat(Array.from({ length: 24 }, function (_, i) { return i; }))];
        grid.counts.forEach(function (counts, d) {
          var tr = body.insertRow();
          var name = element("th", "", days[d]);
          name.scope = "row";
          tr.appendChild(name);
          counts.forEach(function (n, hour) {
            var td = element("td", heatClass(n, max), String(n));
            td.title = days[d] + ", " + hour + ":00–" + hour + ":59: " + n;
            tr.appendChild(td);
          });
          rows.push([days[d]].concat(counts));
        });
        var holder = document.getElementById("time-grid");
        holder.replaceChildren(table);
        offerCsv(document.getElementById("csv-grid"), rows, fileName("gio-thu-" + kind));
        setState("card-grid", "drawn", max ? "" : text("noData"));
      })
      .catch(function () {
        setState("card-grid", "failed", text("failed"));
      });
  }

  /* Map ----------------------------------------------------------------------------------------- */

  var map = null;
  var cluster = null;
  var spotsLayer = null;

  function asText(html) {
    var box = document.createElement("div");
    box.textContent = html || "";
    return box.innerHTML;
  }

  function incidentLink(pk) {
    var a = element("a", "", text("open"));
    a.href = config.incidentUrl.replace(config.incidentToken, String(pk));
    return a;
  }

  function severityName(code) {
    var found = (config.severity || []).filter(function (c) { return c.code === "traffic.accidents." + code; });
    return found.length ? found[0].name : code;
  }

  function pointPopup(point) {
    var box = element("div", "map-popup");
    var kind = (config.kinds && config.kinds[point.kind]) || point.kind;
    var category = ((config.categories || {})[point.kind] || {})[point.category] || point.category;
    box.appendChild(element("h3", "", kind + (category ? ": " + category : "")));
    box.appendChild(element("p", "", when(point.occurred_at)));
    if (point.severity) box.appendChild(element("p", "", severityName(point.severity)));
    if (point.dead || point.injured) {
      box.appendChild(element("p", "", (point.dead || 0) + " " + text("dead") + " · " + (point.injured || 0) + " " + text("injured")));
    }
    var p = element("p");
    p.appendChild(incidentLink(point.pk));
    box.appendChild(p);
    return box;
  }

  function startMap() {
    var holder = document.getElementById("dashboard-map");
    if (!holder || typeof L === "undefined") return false;
    var tiles = config.map.tiles;
    // maxZoom on the map itself: without a tile layer nothing else sets it, and the clusters need it.
    map = L.map(holder, { scrollWheelZoom: false, attributionControl: !!tiles, minZoom: 3, maxZoom: 19 });
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: asText(config.map.attribution) }).addTo(map);
    } else {
      holder.classList.add("no-tiles"); // a plain background: no tile server, no broken images
    }
    var bounds = config.map.bounds;
    var centre = config.map.centre;
    if (bounds && bounds.length === 4) {
      var area = L.latLngBounds([bounds[0], bounds[1]], [bounds[2], bounds[3]]);
      L.rectangle(area, { color: "#5b6775", weight: 1, dashArray: "4 4", fill: false, interactive: false }).addTo(map);
      map.fitBounds(area, { padding: [10, 10] });
    } else if (centre) {
      map.setView(centre, UNIT_ZOOM);
    } else {
      map.setView(VIETNAM, VIETNAM_ZOOM);
    }
    if (centre) {
      L.circleMarker(centre, { radius: 4, color: "#1d2733", weight: 1, fillOpacity: 0.6, interactive: false })
        .bindTooltip(config.unitName, { permanent: !tiles, direction: "left", offset: [-6, 0], className: "unit-label" })
        .addTo(map);
    }
    cluster = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 })
      : L.layerGroup();
    cluster.addTo(map);
    spotsLayer = L.layerGroup().addTo(map);
    return true;
  }

  function loadPoints() {
    if (!map) return Promise.resolve();
    var kind = document.getElementById("map-kind").value;
    var box = card("card-map");
    box.dataset.state = "loading";
    return getJSON(config.api.points + query(scoped({ period: config.period, kind: kind })))
      .then(function (result) {
        cluster.clearLayers();
        var markers = result.points.map(function (point) {
          var classes = "incident-dot kind-" + point.kind + (point.dead ? " fatal" : "");
          var icon = L.divIcon({ className: classes, iconSize: [14, 14] });
          return L.marker([point.latitude, point.longitude], { icon: icon, keyboard: false, title: "#" + point.pk })
            .bindPopup(function () { return pointPopup(point); });
        });
        if (cluster.addLayers) cluster.addLayers(markers);
        else markers.forEach(function (m) { cluster.addLayer(m); });
        if (markers.length) {
          var reach = L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
          map.fitBounds(reach.pad(0.15), { maxZoom: 15 });
        }
        var located = document.getElementById("map-located");
        located.textContent =
          result.located > result.points.length
            ? text("limited", { n: result.points.length, total: result.located })
            : text("located", { n: result.located });
        document.getElementById("map-without").textContent = text("noCoordinates", { n: result.without_coordinates });
        var rows = [["id", "kind", "category", "severity", "latitude", "longitude", "occurred_at", "dead", "injured"]];
        result.points.forEach(function (p) {
          rows.push([p.pk, p.kind, p.category, p.severity, p.latitude, p.longitude, p.occurred_at, p.dead, p.injured]);
        });
        offerCsv(document.getElementById("csv-points"), rows, fileName("su-viec-ban-do" + (kind ? "-" + kind : "")));
        box.dataset.markers = String(markers.length);
        box.dataset.state = "drawn";
      })
      .catch(function () {
        box.dataset.state = "failed";
        document.getElementById("map-without").textContent = text("failed");
      });
  }

  function spotPopup(spot) {
    var box = element("div", "map-popup");
    // Named as an official writes it: its road and commune ("Quốc lộ 28, xã Hàm Thuận"), not its coordinates.
    var place = config.lang === "en" ? spot.place_en : spot.place_vi;
    var tier = spot.potential ? text("potentialSpot") : text("blackSpot");
    box.appendChild(element("h3", "", place ? tier + ": " + place : tier));
    var reason = config.lang === "en" ? spot.reason_en : spot.reason_vi;
    if (reason) box.appendChild(element("p", "", reason));
    box.appendChild(element("p", "", number(spot.fatal_accidents) + " " + text("fatal") + " · " +
      number(spot.injury_accidents) + " " + text("injury")));
    box.appendChild(element("p", "", number(spot.dead) + " " + text("dead") + " · " + number(spot.injured) + " " + text("injured")));
    var list = element("ul");
    (spot.accidents || []).forEach(function (accident) {
      var li = element("li");
      var a = incidentLink(accident.pk);
      a.textContent = when(accident.occurred_at);
      li.appendChild(a);
      var hurt = [];
      if (accident.dead) hurt.push(accident.dead + " " + text("dead"));
      if (accident.injured) hurt.push(accident.injured + " " + text("injured"));
      if (accident.severity) hurt.push(severityName(accident.severity));
      if (hurt.length) li.appendChild(document.createTextNode(" — " + hurt.join(", ")));
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }

  function loadBlackSpots() {
    if (!map) return Promise.resolve();
    var note = document.getElementById("black-spots-note");
    var rule = document.getElementById("black-spots-rule");
    return getJSON(config.api.blackSpots + query(scoped({ period: config.period })))
      .then(function (result) {
        var spots = result.spots || [];
        var potential = result.potential || [];
        spotsLayer.clearLayers();
        // Both tiers of the rule in force: black spots in red, potential spots (điểm tiềm ẩn) in amber, dashed.
        potential.forEach(function (spot) {
          L.circle([spot.latitude, spot.longitude], {
            radius: spot.radius_m || 100, color: "#ef6c00", weight: 2, dashArray: "6 4", fillColor: "#ffa726",
            fillOpacity: 0.2, className: "potential-spot",
          }).bindPopup(function () { return spotPopup(spot); }).addTo(spotsLayer);
        });
        spots.forEach(function (spot) {
          L.circle([spot.latitude, spot.longitude], {
            radius: spot.radius_m || 100, color: "#c62828", weight: 2, fillColor: "#e53935", fillOpacity: 0.25,
            className: "black-spot",
          }).bindPopup(function () { return spotPopup(spot); }).addTo(spotsLayer);
        });
        note.textContent = number(spots.length);
        var potentialNote = document.getElementById("potential-spots-note");
        if (potentialNote) potentialNote.textContent = number(potential.length);
        if (rule && result.rule) {
          // The rule's own words (they say when its thresholds are provisional), its source and its window.
          var description = config.lang === "en" ? result.rule.description_en : result.rule.description_vi;
          var window = result.window_start && result.window_end
            ? day(result.window_start) + " – " + day(result.window_end) : "";
          rule.textContent = [description, result.rule.source, window].filter(Boolean).join(" · ");
        }
        var rows = [["tier", "place", "road", "commune", "latitude", "longitude", "radius_m", "fatal_accidents",
          "injury_accidents", "dead", "injured", "reason", "accidents"]];
        spots.concat(potential).forEach(function (s) {
          rows.push([s.potential ? text("potentialSpot") : text("blackSpot"),
            config.lang === "en" ? s.place_en : s.place_vi, s.road, s.commune, s.latitude, s.longitude,
            s.radius_m, s.fatal_accidents, s.injury_accidents, s.dead, s.injured,
            config.lang === "en" ? s.reason_en : s.reason_vi,
            (s.accidents || []).map(function (a) { return a.pk; }).join(" ")]);
        });
        offerCsv(document.getElementById("csv-black-spots"), rows, fileName("diem-den"));
      })
      .catch(function () {
        note.textContent = "—"; // the black-spot service is not there (or failed): the map still shows the rest
      });
  }

  /* Start --------------------------------------------------------------------------------------- */

  function start() {
    var source = document.getElementById("dashboard-config");
    if (!source) return;
    config = JSON.parse(source.textContent);
    if (typeof Chart !== "undefined") {
      Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      Chart.defaults.color = "#1d2733";
      loadTrend();
      loadUnits();
      drawSeverity();
      document.getElementById("chart-indicator").addEventListener("change", function () {
        loadTrend();
        loadUnits();
      });
    } else {
      ["card-trend", "card-units", "card-severity"].forEach(function (id) { setState(id, "failed", text("failed")); });
    }
    loadGrid();
    document.getElementById("grid-kind").addEventListener("change", loadGrid);
    if (startMap()) {
      loadPoints();
      loadBlackSpots();
      document.getElementById("map-kind").addEventListener("change", loadPoints);
    } else {
      card("card-map").dataset.state = "failed";
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

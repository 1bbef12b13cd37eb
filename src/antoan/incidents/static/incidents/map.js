/* Incident maps (Leaflet). No inline script: the page passes everything in data-* attributes.
 *
 *   <div data-map="view" data-lat=".." data-lon=".." data-tiles=".." data-attribution="..">
 *       a record's point.
 *   <div data-map="pick" data-lat-input="id_latitude" data-lon-input="id_longitude" data-unit-select="id_unit" ...>
 *       a location picker: a click (or dragging the marker) fills the two inputs, typing in them moves the
 *       marker; the map centres on the record's point, else on the chosen commune (its <option data-lat
 *       data-lon>), else on Vietnam.
 *
 * Without tiles (data-tiles empty, or no network) the map is a blank canvas that still picks coordinates.
 */
(function () {
  "use strict";

  var VIETNAM = [16.0, 106.5];
  var VIETNAM_ZOOM = 5;
  var COMMUNE_ZOOM = 13;
  var POINT_ZOOM = 15;
  var DECIMALS = 6;

  function toNumber(text) {
    if (text === undefined || text === null) return NaN;
    text = String(text).trim().replace(",", ".");
    return text === "" ? NaN : Number(text);
  }

  function validPoint(lat, lon) {
    return isFinite(lat) && isFinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
  }

  function asText(html) {
    var box = document.createElement("div");
    box.textContent = html || "";
    return box.innerHTML;
  }

  function createMap(element) {
    var map = L.map(element, { scrollWheelZoom: false });
    var tiles = element.dataset.tiles;
    if (tiles) {
      L.tileLayer(tiles, { maxZoom: 19, attribution: asText(element.dataset.attribution) }).addTo(map);
    }
    return map;
  }

  function viewMap(element) {
    var lat = toNumber(element.dataset.lat);
    var lon = toNumber(element.dataset.lon);
    if (!validPoint(lat, lon)) return;
    var map = createMap(element);
    map.setView([lat, lon], POINT_ZOOM);
    L.marker([lat, lon], { keyboard: false }).addTo(map);
  }

  function pickerMap(element) {
    var latInput = document.getElementById(element.dataset.latInput);
    var lonInput = document.getElementById(element.dataset.lonInput);
    var unitSelect = document.getElementById(element.dataset.unitSelect);
    if (!latInput || !lonInput) return;
    var map = createMap(element);
    var marker = null;

    function place(lat, lon) {
      if (marker) {
        marker.setLatLng([lat, lon]);
        return;
      }
      marker = L.marker([lat, lon], { draggable: true, keyboard: false }).addTo(map);
      marker.on("dragend", function () {
        var point = marker.getLatLng();
        fill(point.lat, point.lng);
      });
    }

    function fill(lat, lon) {
      latInput.value = lat.toFixed(DECIMALS);
      lonInput.value = lon.toFixed(DECIMALS);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      lonInput.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function communeCentre() {
      if (!unitSelect || unitSelect.selectedIndex < 0) return null;
      var option = unitSelect.options[unitSelect.selectedIndex];
      var lat = toNumber(option.dataset.lat);
      var lon = toNumber(option.dataset.lon);
      return validPoint(lat, lon) ? [lat, lon] : null;
    }

    function fromInputs() {
      var lat = toNumber(latInput.value);
      var lon = toNumber(lonInput.value);
      if (!validPoint(lat, lon)) return;
      place(lat, lon);
      map.setView([lat, lon], Math.max(map.getZoom() || 0, POINT_ZOOM));
    }

    var lat = toNumber(latInput.value);
    var lon = toNumber(lonInput.value);
    if (validPoint(lat, lon)) {
      map.setView([lat, lon], POINT_ZOOM);
      place(lat, lon);
    } else {
      var centre = communeCentre();
      map.setView(centre || VIETNAM, centre ? COMMUNE_ZOOM : VIETNAM_ZOOM);
    }

    map.on("click", function (event) {
      place(event.latlng.lat, event.latlng.lng);
      fill(event.latlng.lat, event.latlng.lng);
    });
    latInput.addEventListener("input", fromInputs);
    lonInput.addEventListener("input", fromInputs);
    if (unitSelect) {
      unitSelect.addEventListener("change", function () {
        var centre = communeCentre();
        if (centre && !marker) map.setView(centre, COMMUNE_ZOOM);
      });
    }
  }

  function start() {
    if (typeof L === "undefined") return; // Leaflet missing: the inputs still work by hand
    var maps = document.querySelectorAll("[data-map]");
    for (var i = 0; i < maps.length; i++) {
      if (maps[i].dataset.map === "pick") pickerMap(maps[i]);
      else viewMap(maps[i]);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

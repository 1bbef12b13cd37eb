/* The public tip form. No inline script (the CSP forbids it): the page passes everything in data-* attributes.
 *
 *   <select data-communes-url="/tin-bao/xa/" data-commune-select="id_unit">
 *       the province select: choosing a province loads its communes (<option>s from the server) into the
 *       commune select. Without JavaScript a "show its communes" button posts the form instead.
 *   <div data-tip-map data-lat-input=".." data-lon-input=".." data-province-select=".." data-commune-select=".."
 *        data-tiles=".." data-attribution="..">
 *       an optional location picker (Leaflet), made when its <details> is first opened: a tap (or dragging
 *       the marker) fills the two inputs, typing in them moves the marker; the map centres on the chosen
 *       commune, else the province (their <option data-lat data-lon>), else Vietnam.
 *   <div data-photo-check data-max-count="3" data-max-mb="5" data-too-many=".." data-too-big="..">
 *       warns at once when too many or too large photos are chosen (the server checks again).
 */
(function () {
  "use strict";

  var VIETNAM = [16.0, 106.5];
  var VIETNAM_ZOOM = 5;
  var PROVINCE_ZOOM = 9;
  var COMMUNE_ZOOM = 13;
  var POINT_ZOOM = 16;
  var DECIMALS = 6;

  document.documentElement.classList.add("js");

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

  function optionPoint(select) {
    if (!select || select.selectedIndex < 0) return null;
    var option = select.options[select.selectedIndex];
    var lat = toNumber(option.dataset.lat);
    var lon = toNumber(option.dataset.lon);
    return validPoint(lat, lon) ? [lat, lon] : null;
  }

  /* Province → communes ------------------------------------------------------------------------ */

  function communeLoader(provinceSelect) {
    var communeSelect = document.getElementById(provinceSelect.dataset.communeSelect);
    if (!communeSelect || !window.fetch) return;
    var latest = 0;
    provinceSelect.addEventListener("change", function () {
      var request = ++latest;
      var url = provinceSelect.dataset.communesUrl + "?tinh=" + encodeURIComponent(provinceSelect.value);
      communeSelect.disabled = true;
      fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.text();
        })
        .then(function (options) {
          if (request !== latest) return; // a later choice already answered
          communeSelect.innerHTML = options; // our own server's escaped <option>s
          communeSelect.dispatchEvent(new Event("change", { bubbles: true }));
        })
        .catch(function () {
          /* the "show its communes" button still works */
          var buttons = document.querySelectorAll(".nojs-only");
          for (var i = 0; i < buttons.length; i++) buttons[i].classList.add("shown");
        })
        .then(function () {
          if (request === latest) communeSelect.disabled = false;
        });
    });
  }

  /* The map picker ----------------------------------------------------------------------------- */

  function pickerMap(element) {
    var latInput = document.getElementById(element.dataset.latInput);
    var lonInput = document.getElementById(element.dataset.lonInput);
    var provinceSelect = document.getElementById(element.dataset.provinceSelect);
    var communeSelect = document.getElementById(element.dataset.communeSelect);
    var details = element.closest("details");
    var form = element.closest("form");
    if (!latInput || !lonInput) return;
    var map = null;
    var marker = null;

    function areaCentre() {
      var commune = optionPoint(communeSelect);
      if (commune) return { point: commune, zoom: COMMUNE_ZOOM };
      var province = optionPoint(provinceSelect);
      if (province) return { point: province, zoom: PROVINCE_ZOOM };
      return { point: VIETNAM, zoom: VIETNAM_ZOOM };
    }

    function fill(lat, lon) {
      latInput.value = lat.toFixed(DECIMALS);
      lonInput.value = lon.toFixed(DECIMALS);
    }

    function place(lat, lon) {
      if (!map) return;
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

    function fromInputs() {
      var lat = toNumber(latInput.value);
      var lon = toNumber(lonInput.value);
      if (!map || !validPoint(lat, lon)) return;
      place(lat, lon);
      map.setView([lat, lon], Math.max(map.getZoom() || 0, POINT_ZOOM));
    }

    function create() {
      if (map || typeof L === "undefined") return; // no Leaflet: the two inputs still work by hand
      map = L.map(element, { scrollWheelZoom: false });
      if (element.dataset.tiles) {
        L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: asText(element.dataset.attribution) }).addTo(map);
      }
      var lat = toNumber(latInput.value);
      var lon = toNumber(lonInput.value);
      if (validPoint(lat, lon)) {
        map.setView([lat, lon], POINT_ZOOM);
        place(lat, lon);
      } else {
        var area = areaCentre();
        map.setView(area.point, area.zoom);
      }
      map.on("click", function (event) {
        place(event.latlng.lat, event.latlng.lng);
        fill(event.latlng.lat, event.latlng.lng);
      });
    }

    function recentre() {
      if (!map || marker) return;
      var area = areaCentre();
      map.setView(area.point, area.zoom);
    }

    if (details) {
      details.addEventListener("toggle", function () {
        if (!details.open) return;
        create();
        if (map) map.invalidateSize();
      });
      if (details.open) create();
    } else {
      create();
    }
    latInput.addEventListener("input", fromInputs);
    lonInput.addEventListener("input", fromInputs);
    if (provinceSelect) provinceSelect.addEventListener("change", recentre);
    if (communeSelect) communeSelect.addEventListener("change", recentre);

    var clear = form && form.querySelector("[data-map-clear]");
    if (clear) {
      clear.addEventListener("click", function () {
        latInput.value = "";
        lonInput.value = "";
        if (marker) {
          marker.remove();
          marker = null;
        }
        recentre();
      });
    }
    var here = form && form.querySelector("[data-map-here]");
    if (here) {
      if (!navigator.geolocation) {
        here.hidden = true;
      } else {
        here.addEventListener("click", function () {
          navigator.geolocation.getCurrentPosition(
            function (position) {
              var lat = position.coords.latitude;
              var lon = position.coords.longitude;
              fill(lat, lon);
              create();
              place(lat, lon);
              if (map) map.setView([lat, lon], POINT_ZOOM);
            },
            function () {
              /* refused or unavailable: the user taps the map instead */
            },
            { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
          );
        });
      }
    }
  }

  /* Photos ------------------------------------------------------------------------------------- */

  function photoCheck(box) {
    var input = box.querySelector("input[type=file]");
    var warning = box.querySelector(".photo-warning");
    if (!input || !warning) return;
    var maxCount = Number(box.dataset.maxCount);
    var maxBytes = Number(box.dataset.maxMb) * 1024 * 1024;
    input.addEventListener("change", function () {
      var problems = [];
      var files = input.files || [];
      if (files.length > maxCount) problems.push(box.dataset.tooMany);
      for (var i = 0; i < files.length; i++) {
        if (files[i].size > maxBytes) {
          problems.push(box.dataset.tooBig);
          break;
        }
      }
      warning.textContent = problems.join(" ");
      warning.hidden = problems.length === 0;
    });
  }

  function start() {
    var i;
    var provinces = document.querySelectorAll("select[data-communes-url]");
    for (i = 0; i < provinces.length; i++) communeLoader(provinces[i]);
    var maps = document.querySelectorAll("[data-tip-map]");
    for (i = 0; i < maps.length; i++) pickerMap(maps[i]);
    var photos = document.querySelectorAll("[data-photo-check]");
    for (i = 0; i < photos.length; i++) photoCheck(photos[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

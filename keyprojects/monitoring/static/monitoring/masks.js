// The camera form's mask editor: polygons (roads, sky) drawn on the latest snapshot are
// written into the masks field as JSON, [[x, y], ...] from 0 to 1 of the picture, which the
// form validates as if typed. The field stays visible and editable: the keyboard way in.
(function () {
  "use strict";
  var editor = document.querySelector("[data-mask-editor]");
  if (!editor) return;
  var field = document.getElementById(editor.dataset.field);
  if (!field) return;
  var image = editor.querySelector("[data-mask-image]");
  var canvas = editor.querySelector("[data-mask-canvas]");
  var count = editor.querySelector("[data-mask-count]");
  var context = canvas.getContext("2d");
  var polygons = read() || [];
  var current = [];

  // Shown beside the field it fills, once the script runs (without it: the JSON field alone).
  field.closest(".mb-3").after(editor);
  editor.hidden = false;

  function read() {
    try {
      var value = JSON.parse(field.value || "[]");
      return Array.isArray(value) ? value : null;
    } catch (error) {
      return null;
    }
  }

  function write() {
    field.value = JSON.stringify(polygons);
    field.dispatchEvent(new Event("change", { bubbles: true }));
    draw();
  }

  function trace(points) {
    context.beginPath();
    points.forEach(function (point, i) {
      var x = point[0] * canvas.width, y = point[1] * canvas.height;
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
  }

  function draw() {
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.lineWidth = 2;
    polygons.forEach(function (polygon) {
      if (!Array.isArray(polygon) || polygon.length < 3) return;
      trace(polygon);
      context.closePath();
      context.fillStyle = "rgba(220, 53, 69, 0.35)";
      context.strokeStyle = "#dc3545";
      context.fill();
      context.stroke();
    });
    if (current.length) {
      trace(current);
      context.strokeStyle = "#0d6efd";
      context.stroke();
      context.fillStyle = "#0d6efd";
      current.forEach(function (point) {
        context.fillRect(point[0] * canvas.width - 3, point[1] * canvas.height - 3, 6, 6);
      });
    }
    count.textContent = String(polygons.length);
  }

  function fit() {
    canvas.width = image.clientWidth;
    canvas.height = image.clientHeight;
    canvas.style.width = image.clientWidth + "px";
    canvas.style.height = image.clientHeight + "px";
    draw();
  }

  function round(value) {
    return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
  }

  function finish() {
    if (current.length >= 3) {
      polygons.push(current);
      write();
    }
    current = [];
    draw();
  }

  canvas.addEventListener("click", function (event) {
    var box = canvas.getBoundingClientRect();
    current.push([round((event.clientX - box.left) / box.width), round((event.clientY - box.top) / box.height)]);
    draw();
  });
  canvas.addEventListener("dblclick", finish);
  editor.querySelectorAll("[data-mask-action]").forEach(function (button) {
    button.addEventListener("click", function () {
      var action = button.dataset.maskAction;
      if (action === "finish") finish();
      if (action === "undo") {
        if (current.length) current.pop();
        else if (polygons.length) {
          polygons.pop();
          write();
        }
        draw();
      }
      if (action === "clear") {
        polygons = [];
        current = [];
        write();
      }
    });
  });
  // Typed JSON is drawn as soon as it reads as a list; the form checks it on saving.
  field.addEventListener("input", function () {
    var value = read();
    if (value) {
      polygons = value;
      draw();
    }
  });
  if (image.complete) fit();
  image.addEventListener("load", fit);
  window.addEventListener("resize", fit);
})();

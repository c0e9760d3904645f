// Paint the availability grid with a finger or a mouse. Without this file the grid is a
// form of selects that works as it is (progressive enhancement; the CSP allows no inline script).
(function () {
  "use strict";
  var form = document.querySelector("[data-avail]");
  if (!form) return;
  var grid = form.querySelector("[data-avail-grid]");
  var modes = form.querySelector("[data-avail-modes]");
  var help = form.querySelector("[data-avail-help]");
  form.classList.add("avail-js");
  modes.hidden = false;
  help.hidden = false;
  var painting = false;
  var value = "a";

  function mode() {
    var checked = modes.querySelector("input:checked");
    return checked ? checked.value : "a";
  }
  function paint(cell) {
    if (!cell || !cell.hasAttribute("data-cell")) return;
    var select = cell.querySelector("select");
    if (select.value === value) return;
    select.value = value;
    cell.classList.remove("avail-cell--a", "avail-cell--p", "avail-cell--none");
    cell.classList.add("avail-cell--" + (value || "none"));
  }
  function cellAt(event) {
    var el = document.elementFromPoint(event.clientX, event.clientY);
    return el && el.closest ? el.closest("[data-cell]") : null;
  }
  grid.addEventListener("pointerdown", function (event) {
    var cell = event.target.closest("[data-cell]");
    if (!cell) return;
    event.preventDefault();
    // Tapping a cell that already has the mode's value clears it, so a tap toggles.
    var current = cell.querySelector("select").value;
    value = current === mode() ? "" : mode();
    painting = true;
    paint(cell);
  });
  grid.addEventListener("pointermove", function (event) {
    if (painting) paint(cellAt(event));
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
    document.addEventListener(name, function () { painting = false; });
  });
  // Keyboard: a cell's select still works (Tab to it, arrow keys), so keep classes in step.
  grid.addEventListener("change", function (event) {
    var cell = event.target.closest("[data-cell]");
    if (!cell) return;
    cell.classList.remove("avail-cell--a", "avail-cell--p", "avail-cell--none");
    cell.classList.add("avail-cell--" + (event.target.value || "none"));
  });
})();

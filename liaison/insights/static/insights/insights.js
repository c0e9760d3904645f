// Charts in the browser: each plot holds a Vega spec (compiled on the server from the same
// Vega-Lite spec as its image). Vega parses it to an AST and runs expressions through the
// CSP-safe interpreter (vega-interpreter): no eval, no new Function, so the page's
// Content-Security-Policy stays strict. If anything fails, the server's SVG image stays.
(function () {
  "use strict";
  function draw(plot) {
    if (!window.vega || !window.vega.expressionInterpreter) return;
    var spec;
    try { spec = JSON.parse(plot.getAttribute("data-vega")); } catch (e) { return; }
    var img = plot.querySelector("img");
    var holder = document.createElement("div");
    holder.setAttribute("role", "img");
    holder.setAttribute("aria-label", img ? img.getAttribute("alt") : "Chart");
    plot.appendChild(holder);
    try {
      var runtime = window.vega.parse(spec, null, { ast: true });
      var view = new window.vega.View(runtime, {
        expr: window.vega.expressionInterpreter,
        renderer: "svg",
        container: holder,
        hover: true
      });
      view.runAsync().then(function () {
        plot.classList.add("is-live");
      }).catch(function () { holder.remove(); });
    } catch (e) {
      holder.remove();
    }
  }
  function init() {
    var plots = document.querySelectorAll(".insights-plot[data-vega]");
    for (var i = 0; i < plots.length; i++) draw(plots[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

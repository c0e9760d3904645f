// Small shared behaviour for the shell. Pages work without it; it only adds comfort.
(function () {
  "use strict";
  // Phone menu: the navigation is open without JavaScript; with it, a button folds it away.
  document.querySelectorAll("[data-menu]").forEach(function (menu) {
    var toggle = menu.querySelector(".menu__toggle");
    if (!toggle) return;
    menu.classList.add("is-collapsed");
    toggle.addEventListener("click", function () {
      var collapsed = menu.classList.toggle("is-collapsed");
      toggle.setAttribute("aria-expanded", String(!collapsed));
    });
  });
  // A field to copy from (a status link) selects its whole text when focused.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();

// Imports: once the mapping form changes, the check shown below it no longer describes it.
// The server refuses a commit for another mapping anyway; this says so before the click.
(function () {
  "use strict";
  function markStale(event) {
    if (!event.target.closest || !event.target.closest("#mapping-form")) return;
    var result = document.getElementById("check-result");
    if (!result || result.dataset.stale) return;
    result.dataset.stale = "1";
    var button = result.querySelector(".import-commit button");
    if (button) button.disabled = true;
    var note = document.createElement("p");
    note.className = "message message--warning";
    note.setAttribute("role", "status");
    note.textContent = "The mapping changed: check all rows again before importing.";
    result.insertBefore(note, result.firstChild.nextSibling);
  }
  document.addEventListener("change", markStale);
  document.addEventListener("input", markStale);
})();

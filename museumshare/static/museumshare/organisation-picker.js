// Type-ahead for the organisation boxes (OrganisationField): as you type, htmx fills the page's
// one <datalist id="organisation-options"> with suggestions from the organisation lookup.
// Without JavaScript the boxes still take a name, a slug or a register id.
(function () {
  "use strict";
  var list = document.getElementById("organisation-options");
  if (!list) { return; }
  var inputs = document.querySelectorAll("input.organisation-picker");
  inputs.forEach(function (input) {
    input.setAttribute("hx-get", list.dataset.lookup);
    input.setAttribute("hx-trigger", "input changed delay:250ms");
    input.setAttribute("hx-target", "#organisation-options");
    input.setAttribute("hx-swap", "innerHTML");
    // The boxes share the list, so they share one queue: a newer lookup from any box cancels an
    // older one, whose late answer would otherwise fill the list with the wrong box's suggestions.
    input.setAttribute("hx-sync", "#organisation-options:replace");
    if (window.htmx) { window.htmx.process(input); }
  });
  // Each box has its own name (partners-0-organisation, ...); the lookup wants only q.
  document.addEventListener("htmx:configRequest", function (event) {
    var input = event.detail.elt;
    if (input.classList && input.classList.contains("organisation-picker")) {
      event.detail.parameters = { q: input.value };
    }
  });
})();

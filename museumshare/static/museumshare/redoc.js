// Redoc for the API's schema, whose address the page gives; typography from the system's fonts, so
// no font is fetched from another site.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var stack = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
  Redoc.init(
    container.dataset.schemaUrl,
    { theme: { typography: { fontFamily: stack, headings: { fontFamily: stack } } } },
    container
  );
})();

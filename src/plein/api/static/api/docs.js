/* The API documentation page (Swagger UI): accessibility fixes that Swagger UI's own markup lacks (WCAG 2.1 AA,
   checked with axe in src/plein/api/tests/test_browser.py). Swagger UI renders with React, so the fixes are applied
   whenever it adds elements. Served as a file of our own origin: the page's CSP allows no inline script. */
(function () {
  "use strict";

  function fix(root) {
    // A <select> without a name: the list of examples, the media type of a body or response.
    root.querySelectorAll("select:not([aria-label]):not([aria-labelledby])").forEach(function (select) {
      if (select.labels && select.labels.length) {
        return;
      }
      var label = "Choose";
      if (select.classList.contains("examples-select-element")) {
        label = "Example";
      } else if (select.closest(".content-type-wrapper, .body-param-content-type, .response-control-media-type")) {
        label = "Media type";
      } else if (select.closest(".servers")) {
        label = "Server";
      }
      select.setAttribute("aria-label", label);
    });
    // Code that can scroll sideways must be reachable with the keyboard.
    root.querySelectorAll("pre:not([tabindex]), .body-param__example:not([tabindex])").forEach(function (block) {
      block.setAttribute("tabindex", "0");
    });
  }

  function start() {
    var root = document.getElementById("swagger-ui");
    if (!root) {
      return;
    }
    fix(root);
    new MutationObserver(function () {
      fix(root);
    }).observe(root, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// Starts Swagger UI on /api/docs from the vendored bundle (no CDN, no inline script: the page
// works offline and under a Content-Security-Policy without 'unsafe-inline').
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();

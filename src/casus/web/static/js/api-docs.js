// Starts Swagger UI (vendored `swagger-ui-dist`, loaded just before this script) on this server's
// OpenAPI document, for the page at /docs. A file, not an inline script: the page keeps the same
// Content-Security-Policy as the others. The online validator is off (it would send the document
// to another host), and so nothing the page loads comes from anywhere but this server.

const root = document.getElementById("swagger-ui");
window.ui = window.SwaggerUIBundle({
  url: root.dataset.openapi,
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIBundle.SwaggerUIStandalonePreset],
  validatorUrl: null,
  showExtensions: true,
  showCommonExtensions: true,
});

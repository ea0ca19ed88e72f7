// require.js configuration for the book's pages: the widget manager and its
// fonts come from this site (../widgets/), never from a CDN.
if (window.requirejs) {
  window.requirejs.config({
    paths: {
      "@jupyter-widgets/html-manager/dist/embed-amd": "../widgets/embed-amd",
    },
  });
}

// Loaded on the book's pages right after require.js, before the widget manager.
//
// 1. The widget manager finds its fonts next to the module it is loaded as
//    ("@jupyter-widgets/..."): point that name at this site's copy (../widgets/),
//    so nothing is fetched from a CDN.
// 2. It typesets widget labels with MathJax 2's MathJax.Hub.Queue; this site runs
//    MathJax 3, so give it a Hub.Queue that typesets with version 3.
(function () {
  if (window.requirejs) {
    window.requirejs.config({ paths: { "@jupyter-widgets": "../widgets" } });
  }
  var mathjax = window.MathJax;
  if (mathjax && !mathjax.Hub) {
    mathjax.Hub = {
      Queue: function (job) {
        var element = Array.isArray(job) ? job[2] : undefined;
        if (mathjax.typesetPromise) {
          (mathjax.startup ? mathjax.startup.promise : Promise.resolve()).then(function () {
            return mathjax.typesetPromise(element ? [element] : undefined);
          });
        }
      },
    };
  }
})();

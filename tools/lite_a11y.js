// Accessible names and roles that the JupyterLite 0.5 interface and ipywidgets 8 leave out, as
// axe-core reports them under WCAG 2 A/AA (tools/lite_site.py adds this script to
// each of its pages). Applied again after every change of the page, once a frame.
(function () {
  var set = function (selector, name, value) {
    document.querySelectorAll(selector).forEach(function (element) {
      element.setAttribute(name, value);
    });
  };
  var fix = function () {
    scheduled = false;
    set("#jp-NotebookLogo:not([aria-label])", "aria-label", "Jupyter: open the file browser");
    set(".cm-content[role='textbox']:not([aria-label])", "aria-label", "Cell input");
    // A notebook's cells sit in a "feed", whose children must be articles.
    set(".jp-WindowedPanel-viewport[role='feed'] > .jp-Cell:not([role])", "role", "article");
    // ipywidgets 8: a slider's handle is not tied to its label, and the play
    // widget's buttons are icons only.
    document.querySelectorAll(".widget-slider").forEach(function (slider) {
      var label = slider.querySelector(".widget-label");
      slider.querySelectorAll("[role='slider']:not([aria-label])").forEach(function (handle) {
        if (label && label.textContent) handle.setAttribute("aria-label", label.textContent);
      });
    });
    var icons = { "fa-play": "play", "fa-pause": "pause", "fa-stop": "stop", "fa-retweet": "repeat" };
    document.querySelectorAll(".widget-play button:not([aria-label])").forEach(function (button) {
      for (var icon in icons) {
        if (button.querySelector("." + icon)) button.setAttribute("aria-label", icons[icon]);
      }
    });
    // ipywidgets' Image has no alt text; the explorer says what its picture shows in
    // the caption right under it (mlopt.viz.widgets.Explorer.describe), which becomes the alt.
    document.querySelectorAll("img.widget-image").forEach(function (image) {
      var caption = image.nextElementSibling;
      var text = caption && caption.classList.contains("widget-html") ? caption.textContent.trim() : "";
      if (image.getAttribute("alt") !== text) image.setAttribute("alt", text);
    });
    // Icons drawn as role="img" with no name are decoration: hide them from readers.
    document.querySelectorAll("svg[role='img']:not([aria-label]):not([aria-hidden])").forEach(function (svg) {
      if (!svg.querySelector("title")) svg.setAttribute("aria-hidden", "true");
    });
    // A toolbar toggle (the minimap) says aria-pressed, which its role does not
    // allow; as a button it would nest the button inside it. Its title says what it does.
    document.querySelectorAll("jp-button[aria-pressed]").forEach(function (button) {
      button.removeAttribute("aria-pressed");
    });
  };
  var scheduled = false;
  new MutationObserver(function () {
    if (!scheduled) {
      scheduled = true;
      requestAnimationFrame(fix);
    }
  }).observe(document.documentElement,
             { subtree: true, childList: true, attributes: true, attributeFilter: ["aria-pressed"] });
})();

// Each explorer's picture on a chapter page gets a button that makes it live in place:
// Python (Pyodide), numpy, matplotlib and mlopt start in a web worker (live_worker.js),
// from the files of the site's in-browser edition, and the page draws the explorer's
// controls as HTML from the list mlopt.viz.webpage.Page sends. Moving a control sends its
// value to Python; the worker answers with the controls and the new picture. While
// Python works, moves are coalesced: only the latest value of each control is sent.
"use strict";
(function () {
  const WORKER = new URL("live_worker.js", document.currentScript.src).href;
  const CHANGING = ["value", "readout", "alt", "min", "max", "html"]; // what a move may change
  let worker = null;
  const explorers = new Map(); // key -> Explorer
  window.mlopt_live = { phases: {} }; // timings, read by benchmarks/live_browser.py

  function startWorker(lite) {
    if (worker) return worker;
    worker = new Worker(WORKER);
    worker.onmessage = event => {
      const m = event.data;
      if (m.type === "phase") { window.mlopt_live.phases[m.name] = m.ms; return; }
      if (m.key === null) { explorers.forEach(e => e.failed(m.error)); return; }
      explorers.get(m.key).answer(m);
    };
    worker.postMessage({ type: "start", lite: lite });
    return worker;
  }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  class Explorer {
    constructor(figure, key, lite) {
      this.figure = figure; this.key = key; this.lite = lite;
      this.pending = new Map(); this.busy = false; this.playing = null;
      this.controls = new Map(); this.shape = null; this.url = null;
      this.status = element("p", { class: "mlopt-live-status", role: "status", "aria-live": "polite" });
      this.button = element("button", { type: "button", class: "mlopt-live-here" },
        "\u25B6 Make this explorer live here");
      this.button.addEventListener("click", () => this.start());
      const caption = figure.querySelector("figcaption");
      caption.prepend(this.button, " ");
      figure.append(this.status);
    }

    start() {
      this.button.disabled = true;
      window.mlopt_live.clicked = performance.now();
      this.status.textContent = "Starting Python in this browser (the first time this loads about " +
        this.figure.dataset.megabytes + " MB from this site; later visits use the browser's cache)\u2026";
      this.busy = true;
      startWorker(this.lite).postMessage({ type: "open", key: this.key, explorer: JSON.parse(this.figure.dataset.explorer) });
    }

    failed(error) {
      this.busy = false;
      this.status.textContent = "The live explorer stopped: " + error +
        ". Reload the page to try again, or run the chapter in the in-browser notebook.";
      this.button.disabled = false;
    }

    answer(m) {
      this.busy = false;
      if (m.error) { this.failed(m.error); return; }
      this.draw(m.tree, m.image);
      if (window.mlopt_live.shown === undefined) window.mlopt_live.shown = performance.now();
      if (!this.live) this.goneLive();
      this.status.textContent = "";
      this.send();
    }

    goneLive() { // the caption now says what runs, and where the chapter's code can be edited
      this.live = true;
      const caption = this.figure.querySelector("figcaption"), link = caption.querySelector("a");
      this.button.textContent = "\u25CF Live";
      caption.replaceChildren(this.button, " Every control runs mlopt in Python inside this browser. To edit " +
        "and run the chapter's code as well, ", link, ".");
    }

    change(id, value) {
      this.pending.set(id, value);
      this.send();
    }

    send() {
      if (this.busy) return;
      if (!this.pending.size && this.playing) this.tick();
      if (!this.pending.size) return;
      const [id, value] = this.pending.entries().next().value;
      this.pending.delete(id);
      this.busy = true;
      worker.postMessage({ type: "set", key: this.key, id: id, value: value });
    }

    tick() { // playing: the next step, no faster than the widget's interval
      const play = this.playing, node = play.node;
      if (node.value >= node.max) { this.stop(); return; }
      const wait = node.interval - (performance.now() - (play.last || 0));
      if (wait > 0) { setTimeout(() => this.send(), wait); return; }
      play.last = performance.now();
      this.pending.set(node.id, Math.min(node.max, node.value + node.step));
    }

    stop() {
      if (!this.playing) return;
      this.playing.button.textContent = "\u25B6 play";
      this.playing.button.setAttribute("aria-pressed", "false");
      this.playing = null;
    }

    draw(tree, image) {
      // Rebuilt only when the controls themselves change (another optimizer, a race):
      // a slider being dragged keeps its element, and the reader's focus stays on it.
      const shape = JSON.stringify(tree, (k, v) => (CHANGING.includes(k) ? undefined : v));
      if (shape !== this.shape) {
        this.shape = shape; this.controls.clear(); this.texts = [];
        const root = this.build(tree);
        root.classList.add("mlopt-live-explorer");
        if (this.root) this.root.replaceWith(root); else this.figure.querySelector("img").replaceWith(root);
        this.root = root;
      }
      this.update(tree, this.texts.slice());
      if (this.url) URL.revokeObjectURL(this.url);
      this.url = URL.createObjectURL(new Blob([image], { type: "image/jpeg" }));
      this.image.src = this.url;
    }

    build(node) {
      if (node.kind === "row" || node.kind === "column") {
        const box = element("div", { class: "mlopt-live-" + node.kind });
        node.children.forEach(child => box.append(this.build(child)));
        return box;
      }
      if (node.kind === "html") { const div = element("div"); this.texts.push(div); return div; }
      if (node.kind === "image") { this.image = element("img", { class: "mlopt-live-image" }); return this.image; }
      if (node.kind === "play") {
        const button = element("button", { type: "button", class: "mlopt-live-play", "aria-pressed": "false" }, "\u25B6 play");
        button.addEventListener("click", () => {
          if (this.playing) { this.stop(); return; }
          const current = this.controls.get(node.id).node;
          this.playing = { node: current, button: button };
          button.textContent = "\u275A\u275A pause"; button.setAttribute("aria-pressed", "true");
          if (current.value >= current.max) this.pending.set(node.id, current.min);
          this.send();
        });
        this.controls.set(node.id, { node: node, input: button });
        return button;
      }
      const label = element("label", { class: "mlopt-live-control" });
      label.append(element("span", { class: "mlopt-live-label" }, node.label));
      let input, output = null;
      if (node.kind === "range") {
        input = element("input", { type: "range", step: node.step });
        output = element("output", { class: "mlopt-live-readout" });
        input.addEventListener("input", () => this.change(node.id, +input.value));
      } else {
        input = element("select", node.kind === "multiple" ? { multiple: "", size: node.rows } : {});
        node.options.forEach((text, i) => input.append(element("option", { value: i }, text)));
        input.addEventListener("change", () => {
          const chosen = Array.from(input.selectedOptions, o => +o.value);
          this.change(node.id, node.kind === "multiple" ? chosen : chosen[0]);
        });
      }
      label.append(input);
      if (output) label.append(output);
      this.controls.set(node.id, { node: node, input: input, output: output });
      return label;
    }

    update(node, texts) { // texts: the html nodes' elements, in the tree's order
      if (node.children) { node.children.forEach(child => this.update(child, texts)); return; }
      if (node.kind === "image") { this.image.alt = node.alt; return; }
      if (node.kind === "html") { // the explorer's own words (its caption, the race hint)
        const div = texts.shift();
        if (div.innerHTML !== node.html) div.innerHTML = node.html;
        return;
      }
      const control = this.controls.get(node.id);
      if (!control) return;
      control.node = node;
      if (this.playing && this.playing.node.id === node.id) this.playing.node = node;
      const input = control.input, waiting = this.pending.has(node.id);
      if (node.kind === "range") {
        input.min = node.min; input.max = node.max;
        if (!waiting) input.value = node.value;
        input.setAttribute("aria-valuetext", node.readout);
        control.output.value = node.readout;
      } else if (node.kind === "select" && !waiting) {
        input.selectedIndex = node.value;
      } else if (node.kind === "multiple" && !waiting) {
        Array.from(input.options).forEach((o, i) => { o.selected = node.value.includes(i); });
      }
    }
  }

  function setUp() {
    const banner = document.querySelector(".mlopt-live[data-lite]");
    if (!banner || typeof Worker === "undefined") return;
    const lite = new URL(banner.dataset.lite, location.href).href;
    document.querySelectorAll("figure.mlopt-explorer-snapshot[data-explorer]").forEach((figure, i) => {
      explorers.set("explorer-" + i, new Explorer(figure, "explorer-" + i, lite));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();

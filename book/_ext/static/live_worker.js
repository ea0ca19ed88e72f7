// The website's live explorers run here: Pyodide in a web worker, started by
// live_explorer.js with the address of the site's in-browser edition ("lite"). Every
// file comes from that folder (its Pyodide, its lock, its wheels); nothing else is
// fetched. Python: mlopt.viz.webpage.Page, the same Explorer that Jupyter shows.
//
// Messages in:  {type: "start", lite}  {type: "open", key, explorer}  {type: "set", key, id, value}
// Messages out: {type: "phase", name, ms}  {key, tree, image}  {key, error}
"use strict";

const CACHE = "/mlopt-cache"; // kept between visits, in the browser's IndexedDB
let ready = null;

function phase(name, since) {
  postMessage({ type: "phase", name: name, ms: performance.now() - since });
}

async function wheel(lite, index, name) {
  if (!index[name]) throw new Error(`${name} is not in the site's pypi/all.json: rebuild the site`);
  const files = Object.values(index[name].releases)[0];
  const response = await fetch(new URL(files[0].url, lite + "pypi/all.json"));
  if (!response.ok) throw new Error(`${name}'s wheel is missing from the site (${response.status})`);
  return response.arrayBuffer();
}

async function start(lite) {
  let since = performance.now();
  importScripts(lite + "static/pyodide/pyodide.js");
  // The wheels of ipywidgets, comm and mlopt download while Pyodide starts.
  const index = await (await fetch(lite + "pypi/all.json")).json();
  const wheels = Promise.all(["comm", "ipywidgets", "mlopt"].map(name => wheel(lite, index, name)));
  const pyodide = await loadPyodide({ indexURL: lite + "static/pyodide/", env: { MPLBACKEND: "Agg" } });
  const FS = pyodide.FS;
  FS.mkdirTree(CACHE);
  FS.mount(FS.filesystems.IDBFS, {}, CACHE);
  await new Promise(done => FS.syncfs(true, done));
  phase("pyodide", since); since = performance.now();
  await pyodide.loadPackage(["numpy", "matplotlib", "pillow", "ipython"], { messageCallback: () => {} });
  const site = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  for (const buffer of await wheels) pyodide.unpackArchive(buffer, "wheel", { extractDir: site });
  // Pyodide 0.27's matplotlib ships a font list of another matplotlib version, so each
  // start rebuilds it (about 1.5 s) into the package's folder. The rebuilt list is kept
  // in the browser's IndexedDB (Emscripten's IDBFS) and put back on a later visit;
  // matplotlib checks its version, so a list of another version is never used.
  const fonts = site + "/matplotlib/fontlist.json", saved = CACHE + "/fontlist.json";
  const kept = FS.analyzePath(saved).exists ? FS.readFile(saved) : null;
  if (kept) FS.writeFile(fonts, kept);
  phase("packages", since); since = performance.now();
  pyodide.runPython(`
import json
from mlopt.viz.webpage import Page
pages = {}

def reply(key, widget_id=None, value=None):
    page = pages[key]
    state = page.state() if widget_id is None else page.set(widget_id, value)
    return json.dumps(state["tree"]), state["image"]
`);
  phase("imports", since);
  const built = FS.readFile(fonts);
  if (!kept || kept.length !== built.length || kept.some((byte, i) => byte !== built[i])) {
    FS.writeFile(saved, built);
    FS.syncfs(false, () => {});
  }
  return pyodide;
}

async function handle(message) {
  const pyodide = await ready;
  const py = pyodide.globals;
  let answer;
  if (message.type === "open") {
    py.set("arguments", JSON.stringify(message.explorer));
    pyodide.runPython(`pages[${JSON.stringify(message.key)}] = Page(**json.loads(arguments))`);
    answer = py.get("reply")(message.key);
  } else {
    answer = py.get("reply")(message.key, message.id, pyodide.toPy(message.value));
  }
  const [tree, image] = answer.toJs();
  answer.destroy();
  postMessage({ key: message.key, tree: JSON.parse(tree), image: image }, [image.buffer]);
}

onmessage = async event => {
  const message = event.data;
  if (message.type === "start") {
    ready = start(message.lite);
    ready.catch(error => postMessage({ key: null, error: String(error) }));
    return;
  }
  try {
    await handle(message);
  } catch (error) {
    postMessage({ key: message.key, error: String(error.message || error) });
  }
};

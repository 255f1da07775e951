// Shrinks the widget Trunk staged (widget_bg.wasm + widget.js) before it
// ships. Run by the post_build hook in Trunk.toml:
//
//   node scripts/shrink-widget.mjs DIR -- WASM_OPT_ARGS...
//
// 1. Drops the exports of wasm-streams' IntoUnderlying* classes. Leptos
//    links server_fn, which links wasm-streams, whose #[wasm_bindgen]
//    classes are exports the widget never calls; while exported, wasm-opt
//    must keep them and all they reach. scripts/link-widget already keeps
//    the linker from exporting them (which also drops the function-table
//    slots and data they hold, which wasm-opt cannot); this step and the
//    glue clean-up in 3 remain for the classes' JS.
// 2. Runs wasm-opt (Trunk's own run is off, so it runs once, after 1).
// 3. Renames the imports and internal exports, which wasm-bindgen names
//    with long hashes, to a letter or two in both files, and drops the
//    glue for imports the optimised wasm no longer has.
// 4. Drops the custom sections (producers, target_features,
//    __wasm_split_unstable): notes for other tools, which browsers skip.
// Together about 5 KB brotli of the 80 KB budget.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [dir, sep, ...optArgs] = process.argv.slice(2);
if (!dir || sep !== "--") throw new Error("usage: shrink-widget.mjs DIR -- WASM_OPT_ARGS...");
const wasmPath = join(dir, "widget_bg.wasm");
const jsPath = join(dir, "widget.js");
const GLUE = "./widget_bg.js";

function leb(buf, at) {
  let value = 0, shift = 0, byte;
  do {
    byte = buf[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [value, at];
}

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}

const str = (s) => {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([uleb(b.length), b]);
};

function readName(buf, at) {
  const [len, p] = leb(buf, at);
  return [buf.toString("utf8", p, p + len), p + len];
}

// Skips a table or memory's limits.
function limits(buf, at) {
  const flags = buf[at++];
  [, at] = leb(buf, at);
  if (flags & 1) [, at] = leb(buf, at);
  return at;
}

// Rewrites the wasm's import (2) and export (7) sections through `edit`,
// which gets the section body and returns the new one; with `bare`, drops
// the custom sections (0).
function rewrite(wasm, edit, bare = false) {
  const parts = [wasm.subarray(0, 8)];
  let at = 8;
  while (at < wasm.length) {
    const id = wasm[at];
    const [size, start] = leb(wasm, at + 1);
    let body = wasm.subarray(start, start + size);
    at = start + size;
    if (id === 0 && bare) continue;
    if (id === 2 || id === 7) body = edit(id, body);
    parts.push(Buffer.from([id]), uleb(body.length), body);
  }
  return Buffer.concat(parts);
}

// Calls `each(module, name, descriptor bytes)` for every import.
function imports(body, each) {
  let [count, at] = leb(body, 0);
  while (count--) {
    let module, name;
    [module, at] = readName(body, at);
    [name, at] = readName(body, at);
    const start = at;
    const kind = body[at++];
    if (kind === 0) [, at] = leb(body, at); // function: type index
    else if (kind === 1) at = limits(body, at + 1); // table: reftype, limits
    else if (kind === 2) at = limits(body, at); // memory
    else if (kind === 3) at += 2; // global: type, mutability
    else if (kind === 4) [, at] = leb(body, at + 1); // tag
    else throw new Error(`unknown import kind ${kind}`);
    each(module, name, body.subarray(start, at));
  }
}

// Calls `each(name, descriptor bytes)` for every export.
function exports(body, each) {
  let [count, at] = leb(body, 0);
  while (count--) {
    let name;
    [name, at] = readName(body, at);
    const start = at;
    [, at] = leb(body, at + 1);
    each(name, body.subarray(start, at));
  }
}

function section(entries) {
  return Buffer.concat([uleb(entries.length), ...entries]);
}

// 1. Drop the unused classes' exports.
const unused = /^(__wbg_)?intounderlying/;
let wasm = rewrite(readFileSync(wasmPath), (id, body) => {
  if (id !== 7) return body;
  const kept = [];
  exports(body, (name, desc) => unused.test(name) || kept.push(Buffer.concat([str(name), desc])));
  return section(kept);
});
writeFileSync(wasmPath, wasm);

// 2. Optimise, now that nothing keeps their code alive.
execFileSync("wasm-opt", [...optArgs, wasmPath, "-o", wasmPath], { stdio: "inherit" });
wasm = readFileSync(wasmPath);

// 3. Short names, in the wasm and in the glue; 4. no custom sections.
let js = readFileSync(jsPath, "utf8");
const names = new Map();
const short = (i) => {
  const abc = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = abc[i % 52] + s;
    i = Math.floor(i / 52);
  } while (i);
  return s;
};
const imported = new Set();
wasm = rewrite(wasm, (id, body) => {
  const out = [];
  if (id === 2) {
    imports(body, (module, name, desc) => {
      if (module === GLUE) {
        imported.add(name);
        if (!names.has(name)) names.set(name, short(names.size));
        out.push(Buffer.concat([str("a"), str(names.get(name)), desc]));
      } else out.push(Buffer.concat([str(module), str(name), desc]));
    });
  } else {
    exports(body, (name, desc) => {
      // The module's own API (mount) and memory keep their names.
      if (name.startsWith("__") || name.startsWith("wasm_bindgen")) {
        names.set(name, "x" + short(names.size));
        name = names.get(name);
      }
      out.push(Buffer.concat([str(name), desc]));
    });
  }
  return section(out);
}, true);

// Glue for what wasm-opt removed: the classes, and import shims the wasm
// no longer asks for (each `name: function(...) {...},` in the imports).
js = js
  .replace(/^export class IntoUnderlying\w+ \{[\s\S]*?^\}\n/gm, "")
  .replace(/^if \(Symbol\.dispose\) IntoUnderlying.*\n/gm, "")
  .replace(/^const IntoUnderlying\w+Finalization = [\s\S]*?;\n/gm, "");
js = js.replace(/^(\s+)(__wbg_\w+): function\([^)]*\) \{\n[\s\S]*?^\1\},?\n/gm, (all, _indent, name) =>
  imported.has(name) ? all : "",
);
js = js.replace(`"${GLUE}":`, "a:");
for (const [from, to] of names) js = js.replace(new RegExp(`\\b${from}\\b`, "g"), to);

writeFileSync(wasmPath, wasm);
writeFileSync(jsPath, js);

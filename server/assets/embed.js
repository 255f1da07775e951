// Confab loader. A site adds this script and a <div data-confab> placeholder.
// Each placeholder gets an open shadow root (the host page's CSS cannot reach
// inside); the widget itself loads only when a placeholder nears the viewport.
// The first comments arrive sooner when everything is fetched at once: the
// module, the wasm, the thread and the reader's language all start together,
// and the widget is handed what already arrived.
(() => {
  const me = document.currentScript;
  if (!me) return;
  const base = new URL(".", me.src).href;
  const files = __CONFAB_MANIFEST__;
  const get = (path) => fetch(base + path, { credentials: "omit" });
  let widget;
  // The wasm compiles while it streams in, alongside the module's import.
  const compile = (wasm) => (WebAssembly.compileStreaming ? WebAssembly.compileStreaming(wasm) : wasm);
  const load = () =>
    (widget ||= ((wasm) =>
      import(base + files.js).then(async (m) => {
        await m.default({ module_or_path: wasm });
        return m;
      }))(compile(fetch(base + files.wasm))));

  // The file for a BCP 47 tag: by its language, except where one language
  // has two files. Chinese goes by script (Taiwan, Hong Kong and Macau write
  // Traditional), Portuguese by norm (Brazil's, or Portugal's elsewhere).
  const pick = (tag) => {
    const t = (tag || "").toLowerCase().replace(/_/g, "-");
    const l = t.split("-")[0];
    const k = { zh: /hant|-tw|-hk|-mo/.test(t) ? "zh-Hant" : "zh-Hans", pt: /^pt-(?!br)/.test(t) ? "pt-PT" : "pt-BR" }[l] || l;
    return (k == "en" || files.langs[k]) && k;
  };

  // `auto` follows the page as its reader sees it, not the reader's OS: the
  // first painted background up from the placeholder, else its text colour
  // (light text means a dark page). The widget paints no background of its
  // own, so a guess from the OS would put light text on a light page.
  const shade = (el) => {
    const light = (c) => {
      const [r, g, b] = c.match(/[\d.]+/g);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b > 127;
    };
    for (let e = el; e; e = e.parentElement) {
      const bg = getComputedStyle(e).backgroundColor;
      const m = bg.match(/^rgba?\([\d.]+, [\d.]+, [\d.]+(?:, ([\d.]+))?\)$/);
      if (m && (m[1] ?? 1) > 0) return light(bg) ? "light" : "dark";
    }
    return light(getComputedStyle(el).color) ? "dark" : "light";
  };

  // What the placeholder asks for, with the host page as the fallback; the
  // canonical link names the article under all its addresses.
  const config = (el) => {
    const data = (k) => el.getAttribute("data-" + k) || "";
    const canonical = document.querySelector("link[rel=canonical]")?.href;
    const wanted = [data("lang"), document.documentElement.lang, ...(navigator.languages || [navigator.language])];
    const lang = wanted.map(pick).find(Boolean) || "en";
    return {
      site: data("site") || "demo",
      page: data("page") || (canonical ? new URL(canonical).pathname : location.pathname),
      title: data("title") || document.title,
      url: canonical || location.href,
      theme: data("theme") || "auto",
      lang,
    };
  };

  const mount = (el) => {
    const root = el.shadowRoot || el.attachShadow({ mode: "open" });
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base + files.css;
    const styled = new Promise((ok) => (css.onload = css.onerror = ok));
    const host = document.createElement("div");
    host.className = "confab";
    host.setAttribute("data-testid", "confab-root");
    root.replaceChildren(css, host);
    const c = config(el);
    // Followed as the page changes: a dark-mode switch on <html> or <body>,
    // or the OS's, which a page's own stylesheet may follow.
    if (c.theme == "auto") {
      const follow = () => host.setAttribute("data-theme", (c.theme = shade(el)));
      follow();
      const seen = new MutationObserver(follow);
      for (const e of [document.documentElement, document.body]) seen.observe(e, { attributes: true });
      matchMedia("(prefers-color-scheme: dark)").addEventListener("change", follow);
    }
    const enc = encodeURIComponent;
    // The widget's first request, exactly as it would send it itself, read
    // to the end here while the wasm loads: the widget gets [status, body].
    const thread = get(`api/v1/sites/${enc(c.site)}/thread?page=${enc(c.page)}&sort=oldest`).then((r) =>
      r.text().then((body) => [r.status, body]),
    );
    // The server's HTML of the thread stands in until the widget has built
    // its own, then the widget removes it. A copy the site put in the
    // placeholder (at build or serve time) is kept, shown as the page
    // styles it until the stylesheet is in; else the widget's stand-in
    // (the same height, so nothing moves when the two swap) is fetched now.
    // The widget mounts only once the stand-in is painted (or has failed):
    // it arrives about when the wasm does, and mounting takes the main
    // thread for a while, which would hold back that paint.
    const own = el.querySelector("[data-confab-fragment]");
    own && host.append(document.createElement("slot"));
    const html =
      own ||
      get(`sites/${enc(c.site)}/thread.html?page=${enc(c.page)}&lang=${c.lang}&view=widget`).then(
        (r) => r.ok && r.text(),
      );
    const shown = Promise.all([html, styled])
      .then(([h]) => {
        own ? host.replaceChildren(own) : h && (host.innerHTML = h);
        return new Promise((ok) => requestAnimationFrame(() => setTimeout(ok)));
      })
      .catch(() => {});
    // Without its language file (it failed to load), the widget speaks English.
    const lang = files.langs[c.lang];
    const strings = lang && get(lang).then((r) => r.json()).catch(() => undefined);
    Promise.all([load(), strings, shown])
      .then(([m, s]) => m.mount(host, c, base, thread, s))
      .catch((e) => {
        // The server's HTML, when it is in, still shows the comments.
        host.querySelector(".cf-static") || (host.textContent = "Comments could not be loaded.");
        console.error("confab:", e);
      });
  };

  const start = () => {
    if (!files) return console.error("confab: this server was built without the widget");
    const io =
      "IntersectionObserver" in window &&
      new IntersectionObserver(
        (entries) => {
          for (const e of entries) {
            if (!e.isIntersecting) continue;
            io.unobserve(e.target);
            mount(e.target);
          }
        },
        { rootMargin: "600px 0px" },
      );
    // A placeholder already near the viewport loads now: the observer's
    // first word comes only with the page's next frame, which on a page
    // still loading was the largest wait before the first comment showed.
    // A hidden one (no box) waits to be shown.
    const near = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.top < innerHeight + 600 && r.bottom > -600;
    };
    for (const el of document.querySelectorAll("[data-confab]:not([data-confab-ready])")) {
      el.setAttribute("data-confab-ready", "");
      io && !near(el) ? io.observe(el) : mount(el);
    }
  };

  document.readyState === "loading"
    ? document.addEventListener("DOMContentLoaded", start)
    : start();
})();

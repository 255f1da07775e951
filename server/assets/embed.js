// Confab loader. A site adds this script and a <div data-confab> placeholder.
// Each placeholder gets an open shadow root (the host page's CSS cannot reach
// inside); the widget itself loads only when a placeholder nears the viewport.
(() => {
  const me = document.currentScript;
  if (!me) return;
  const base = new URL(".", me.src).href;
  const files = __CONFAB_MANIFEST__;
  let widget;
  const load = () =>
    (widget ||= import(base + files.js).then(async (m) => {
      await m.default({ module_or_path: base + files.wasm });
      return m;
    }));

  const mount = (el) => {
    const root = el.shadowRoot || el.attachShadow({ mode: "open" });
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base + files.css;
    const host = document.createElement("div");
    host.className = "confab";
    host.setAttribute("data-testid", "confab-root");
    root.replaceChildren(css, host);
    load()
      .then((m) => m.mount(host, el, base))
      .catch((e) => {
        host.textContent = "Comments could not be loaded.";
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
    for (const el of document.querySelectorAll("[data-confab]:not([data-confab-ready])")) {
      el.setAttribute("data-confab-ready", "");
      io ? io.observe(el) : mount(el);
    }
  };

  document.readyState === "loading"
    ? document.addEventListener("DOMContentLoaded", start)
    : start();
})();

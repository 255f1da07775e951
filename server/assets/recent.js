// Confab's recent comments for any page (a sidebar, a home page): fills every
// <div data-confab-recent data-site="blog" data-limit="5"> with the site's
// latest comments, each linking to itself, in a shadow root of its own so
// the page's CSS leaves it alone and its own stays in. No wasm, and every
// text goes in as text, never as markup.
(() => {
  const me = document.currentScript;
  if (!me) return;
  const base = new URL(".", me.src).href;
  const make = (parent, tag, text, cls) => {
    const el = parent.appendChild(document.createElement(tag));
    if (text != null) el.textContent = text;
    if (cls) el.className = cls;
    return el;
  };
  const fill = (host, site, { comments }) => {
    const root = host.shadowRoot || host.attachShadow({ mode: "open" });
    const style = document.createElement("style");
    style.textContent =
      "ul{list-style:none;margin:0;padding:0}li{margin:0 0 .75em}" +
      "a{color:inherit;font-weight:600}q{display:block}q::before,q::after{content:none}" +
      "small{opacity:.75}";
    const list = document.createElement("ul");
    for (const c of comments) {
      const li = make(list, "li");
      li.setAttribute("data-id", c.id);
      const a = make(li, "a", c.title || c.page);
      const page = base + "t/" + encodeURIComponent(site) + "?page=" + encodeURIComponent(c.page);
      a.href = (c.url || page) + "#confab-" + c.id;
      make(li, "q", c.excerpt);
      const by = make(li, "small", c.author ? c.author + " · " : "");
      make(by, "time", new Date(c.created).toLocaleDateString(document.documentElement.lang || undefined)).dateTime = c.created;
    }
    root.replaceChildren(style, list);
  };
  const run = () => {
    for (const host of document.querySelectorAll("[data-confab-recent]")) {
      const site = host.getAttribute("data-site") || me.getAttribute("data-site") || "demo";
      const limit = host.getAttribute("data-limit") || 5;
      fetch(base + "api/v1/sites/" + encodeURIComponent(site) + "/recent?limit=" + encodeURIComponent(limit), { credentials: "omit" })
        .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then((list) => fill(host, site, list))
        .catch((e) => console.error("confab recent:", e));
    }
  };
  document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", run) : run();
})();

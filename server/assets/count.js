// Confab comment counts for listing pages: fills every element marked
// data-confab-count="PAGE" with one counts request per site. No wasm.
(() => {
  const me = document.currentScript;
  if (!me) return;
  const base = new URL(".", me.src).href;
  const run = () => {
    const bySite = new Map();
    for (const el of document.querySelectorAll("[data-confab-count]")) {
      const site = el.getAttribute("data-site") || me.getAttribute("data-site") || "demo";
      if (!bySite.has(site)) bySite.set(site, []);
      bySite.get(site).push(el);
    }
    for (const [site, els] of bySite) {
      const pages = [...new Set(els.map((el) => el.getAttribute("data-confab-count")))];
      fetch(base + "api/v1/sites/" + encodeURIComponent(site) + "/counts", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ pages }),
        credentials: "omit",
      })
        .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then(({ counts }) => {
          for (const el of els) {
            const n = counts[el.getAttribute("data-confab-count")] || 0;
            el.textContent = el.getAttribute(n === 1 ? "data-one" : "data-many")?.replace("{n}", n) ?? String(n);
          }
        })
        .catch((e) => console.error("confab count:", e));
    }
  };
  document.readyState === "loading" ? document.addEventListener("DOMContentLoaded", run) : run();
})();

// The XSS test's eyes in the browser (tests/browser/xss.rs). The test puts
// this text in front of each script it runs, and the probe pages carry it in
// a <script data-xss-probe> so the canary exists before any payload renders.

// Replaces the functions the payloads call (__confab_xss, alert, confirm,
// prompt, print) with ones that record the call in the top window, and
// records every CSP violation: on the dashboard an injected handler would be
// blocked by the CSP rather than run, and that still means it got in.
function confabCanary() {
  const hits = (window.top.__confab_hits ||= []);
  const record = (how) => (...args) => {
    hits.push(`${how}(${args.map(String).join(',')}) in ${location.pathname}`);
  };
  window.__confab_xss = record('__confab_xss');
  for (const f of ['alert', 'confirm', 'prompt', 'print']) window[f] = record(f);
  document.addEventListener('securitypolicyviolation', (e) => {
    hits.push(`csp ${e.violatedDirective} blocked ${e.blockedURI} ${e.sample || ''}`);
  }, true);
}

// Walks `root` (a document or shadow root), every shadow root and every
// same-origin frame under it, and returns what must never reach a DOM: an
// event-handler attribute, a javascript:, data: or vbscript: URL in any
// attribute that a browser loads or follows, srcdoc, a frame or object, a
// <base>, a refresh <meta>, or a script that is neither ours nor Confab's.
function confabScan(root, allowedScriptOrigins) {
  const found = [];
  const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'data', 'poster',
    'background', 'lowsrc', 'dynsrc', 'codebase', 'cite', 'ping', 'manifest', 'longdesc',
    'usemap', 'icon', 'from', 'to', 'by']);
  // Attributes that hold several URLs.
  const listAttrs = { srcset: ',', values: ';' };
  // Browsers drop these before reading a URL's scheme, so an attacker
  // hides the scheme behind them; the check drops them too.
  const invisible = /[\u0000-\u0020\u007f-\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028\u2029\u205f\u3000\ufeff]/g;
  const badUrl = /^(javascript|vbscript|livescript|data):/i;
  const badStyle = /url\(['"]?(javascript|vbscript|data):|expression\(|behavior:|-moz-binding/i;
  const badTags = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet',
    'base', 'portal', 'handler', 'listener']);
  const say = (el, what) => found.push(`<${el.localName}> ${what}`.slice(0, 300));
  const walk = (node) => {
    for (const el of node.querySelectorAll('*')) {
      if (el.hasAttribute('data-xss-probe')) {
        if (el.localName === 'iframe' && el.contentDocument) walk(el.contentDocument);
        continue;
      }
      const tag = el.localName;
      if (badTags.has(tag)) say(el, 'is not allowed');
      if (tag === 'meta' && el.hasAttribute('http-equiv')) say(el, 'http-equiv');
      if (tag === 'script') {
        let origin = null;
        try { origin = el.src && new URL(el.src).origin; } catch (_) { /* unparsable */ }
        if (!allowedScriptOrigins.includes(origin)) say(el, `script src=${el.getAttribute('src')}`);
      }
      for (const a of el.attributes) {
        const name = a.name.toLowerCase();
        const local = name.includes(':') ? name.split(':').pop() : name;
        if (name.startsWith('on')) say(el, `event handler ${a.name}=${a.value}`);
        else if (local === 'srcdoc') say(el, `srcdoc=${a.value}`);
        else if (urlAttrs.has(local) && badUrl.test(a.value.replace(invisible, ''))) {
          say(el, `${a.name}=${a.value}`);
        } else if (local in listAttrs && a.value.split(listAttrs[local])
          .some((u) => badUrl.test(u.replace(invisible, '')))) {
          say(el, `${a.name}=${a.value}`);
        } else if (local === 'style' && badStyle.test(a.value.replace(invisible, ''))) {
          say(el, `style=${a.value}`);
        }
      }
      // What the browser would actually follow, after entity decoding and
      // URL parsing.
      if ((tag === 'a' || tag === 'area') && el.href && /^(javascript|data|vbscript):/i.test(el.protocol)) {
        say(el, `resolves to ${el.href}`);
      }
      if (el.shadowRoot) walk(el.shadowRoot);
      if (tag === 'template') walk(el.content);
      if ((tag === 'iframe' || tag === 'frame') && el.contentDocument) walk(el.contentDocument);
    }
  };
  walk(root);
  return found;
}

//! The Method section of BENCHMARKS.md: what each row does. Keep it true
//! when a measure changes.

use crate::{flood::CACHE_CAP, isso, nginx::TUNING, replies::REPLIES, seed};

pub fn method() -> String {
    format!(
        "\
- Everything runs on 127.0.0.1: the release `confab` binary started with its own config \
  file (the `demo` site, open moderation, the per-IP and per-page post limits off, the \
  spam checks on; every body ends in a serial number so none is refused as a duplicate), \
  wrk, an nginx of our own, Isso {isso} and headless Chromium.
- Figures are medians of the rounds; every ratio is taken between runs of the \
  same benchmark invocation, the two sides taking turns round by round.
- Every wrk run sends what Chromium sends with the widget's cross-origin `fetch()` \
  (the Lua script `bench/wrk/browser.lua`): `Accept: */*`, `Accept-Language`, \
  Chromium's `User-Agent` and `sec-ch-ua` headers, `Sec-Fetch-Site/Mode/Dest`, \
  `Referer` and the article's `Origin`, which Confab's config allows, so every answer \
  is a 200 with CORS headers; before measuring, each answer is checked to be a 200 with \
  the full body. `Accept-Encoding` is absent, Chromium's `gzip, deflate, br, zstd`, or \
  `gzip`, as each row says. A run in which wrk counts a non-2xx answer voids its row: \
  it says `void` and why, never a figure. Confab gets `-t2 -c32 -d10s --latency`.
- Thread reads: the 200-comment thread (81 top-level, 119 replies, 1-6 sentences of \
  markdown each), and the same thread with bodies of 1-{short} sentences on a second page \
  (the smaller size), both posted through the API; each row's name gives the size of \
  its first page of JSON. The third is the first thread as the server's HTML fragment \
  (`GET /sites/demo/thread.html`, #18), which the server caches and compresses the same way.
- nginx serves the exact bytes Confab sent: for each thread, the answers to no \
  `Accept-Encoding`, to `gzip` and to Chromium's header are fetched from Confab, checked \
  to decompress to the same document, and written as `NAME.json` (or `NAME.html`), \
  `.gz` and `.br` beside it \
  (folders 755, files 644, for its `nobody` workers). Its `http` block: `{tuning}`; \
  `brotli_static` is Debian's `libnginx-mod-http-brotli-static`, `listen ... reuseport`, \
  and it answers `Access-Control-Allow-Origin` as Confab does. It runs with 1 and with \
  2 workers on the first thread with Chromium's header, and the faster is used for every \
  row (the report says which). Each nginx figure is the better of a `-t1` and a `-t2` run \
  (same connections and duration), so wrk is not what limits it; the row gives both \
  and which won.
- Flood: on a server of its own with `limits.thread_cache_bytes = {cap}` (small enough \
  for the flood to fill it within a run), 8 connections (`-t1`) read the hot \
  200-comment thread alone, then again while 32 more (`-t1`, `bench/wrk/flood.lua`) ask \
  for a page key never asked before on each request (`?page=/random-<salt>-<thread>-<n>-<random>`), \
  all with Chromium's headers. `confab_thread_cache_bytes` is read from `/metrics` every \
  100 ms during the flood; the row gives the peak.
- {replies} replies: on a server of its own, one top-level comment and {replies} replies \
  to it are posted through the API; the row gives its first page's JSON (no \
  `Accept-Encoding`, default page size) and its first comment painted against the \
  200-comment page's, loads alternating.
- Isso {isso}: `pip install isso=={isso} gunicorn` into a venv in the scratch folder, run \
  as `gunicorn -w 2 --preload isso.run` (sync workers, which close the connection after \
  each answer), moderation and its guard (rate limits) off. The same 200-comment thread \
  (same texts, same parents) is posted through `POST /new?uri=`; Isso nests replies to \
  replies under their top-level comment itself. Its read rows use `GET /?uri=PAGE` with \
  Chromium's headers, beside Confab's thread read in the same run; its sequential posts \
  are as many as Confab's in the same run; its widget bytes are `js/embed.min.js` and \
  `css/isso.css` from the installed wheel, compressed as Confab's build compresses its \
  own (gzip -9, brotli 11).
- Writes are posted with reqwest over keep-alive connections; after the last round the \
  server is killed with SIGKILL and the database is read directly for every \
  acknowledged id.
- The scale database adds 1,000,000 comments (10,000 pages of 100) written by SQL \
  inside SQLite into the schema the server migrated, around the same 200-comment thread; \
  its reads send no `Accept-Encoding`, as the small-database row it is compared with.
- Medians of 3 rounds, 10 cold loads and 500 sequential posts apply to a full run; \
  `--quick` runs one short round of each.
- Widget sizes are the bytes the running server sends for each `Accept-Encoding`. The \
  paint time is `performance.now()` in the article page (from navigation start) once \
  the frame holding the first comment has been painted: `[data-testid^=\"comment-\"]` in \
  Confab's shadow root, `.isso-comment` in Isso's `#isso-root` (its postbox's preview is an `.isso-comment` \
  too, there before any comment arrives). Each load is a new \
  Chromium with an empty profile and cache, the article on one port and the comments \
  server on another; Isso's article is the same page with Isso's documented embed \
  (`<script data-isso=… src=…/js/embed.min.js>` and `<section id=\"isso-thread\">`) in \
  place of Confab's. Before the article, the new browser gets 2 s on `about:blank` to \
  finish its own start-up, as a reader's running browser has.
- RSS is `VmRSS` from /proc: idle 1 s after start-up, and the peak sampled every 100 ms \
  during the Confab read rounds.
",
        isso = isso::VERSION,
        short = seed::SHORT,
        tuning = TUNING.trim(),
        cap = CACHE_CAP,
        replies = REPLIES,
    )
}

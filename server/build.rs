//! Embeds the widget and the moderation dashboard into the binary. Trunk
//! writes the widget to `dist/` and the dashboard to `dist-admin/`; this
//! script content-hashes each file, precompresses it with brotli and gzip, and
//! fills `/embed.js` with the hashed names, so one binary serves everything.

// A build script fails by panicking: cargo shows the panic and stops.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{env, fmt::Write as _, fs, io::Write as _, path::PathBuf};

use sha2::{Digest, Sha256};

/// (file in dist/, public stem, extension, content type)
const WIDGET: &[(&str, &str, &str, &str)] = &[
    (
        "widget.js",
        "widget",
        "js",
        "text/javascript; charset=utf-8",
    ),
    ("widget_bg.wasm", "widget", "wasm", "application/wasm"),
    ("widget.css", "widget", "css", "text/css; charset=utf-8"),
];

/// The moderation dashboard, in dist-admin/, in the same shape.
const DASHBOARD: &[(&str, &str, &str, &str)] = &[
    (
        "dashboard.js",
        "dashboard",
        "js",
        "text/javascript; charset=utf-8",
    ),
    ("dashboard_bg.wasm", "dashboard", "wasm", "application/wasm"),
    ("admin.css", "admin", "css", "text/css; charset=utf-8"),
];

fn main() {
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let dist = env::var("CONFAB_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest_dir.join("../dist"));
    println!("cargo:rerun-if-env-changed=CONFAB_DIST_DIR");
    println!("cargo:rerun-if-changed={}", dist.display());

    let mut table = String::from("&[\n");
    let mut names = Vec::new();
    let mut built = true;
    for (file, stem, ext, mime) in WIDGET {
        let path = dist.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(bytes) = fs::read(&path) else {
            built = false;
            continue;
        };
        let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
        let name = format!("{stem}-{hash}.{ext}");
        emit(
            &out,
            &mut table,
            &format!("/assets/{name}"),
            mime,
            true,
            &bytes,
        );
        names.push((*ext, name));
    }
    if !built {
        println!(
            "cargo:warning=widget not found in {}: run `trunk build --release` first; /embed.js will say so",
            dist.display()
        );
        names.clear();
    }

    // The loaders are hand-written and change rarely, but their names stay
    // stable (site owners link them), so they get a short cache lifetime.
    let manifest = if built {
        let mut fields: Vec<String> = names
            .iter()
            .map(|(ext, name)| format!("{ext}:\"assets/{name}\""))
            .collect();
        fields.push(format!(
            "langs:{{{}}}",
            embed_languages(&out, &mut table, &dist)
        ));
        format!("{{{}}}", fields.join(","))
    } else {
        "null".to_string()
    };
    for (src, public) in [
        ("embed.js", "/embed.js"),
        ("count.js", "/count.js"),
        ("recent.js", "/recent.js"),
    ] {
        // The widget build leaves a minified embed.js beside the widget it
        // loads; without one, the hand-written file is served as it is.
        let minified = dist.join(src);
        let path = if built && minified.exists() {
            minified
        } else {
            manifest_dir.join("assets").join(src)
        };
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let text = text.replace("__CONFAB_MANIFEST__", &manifest);
        let mime = "text/javascript; charset=utf-8";
        emit(&out, &mut table, public, mime, false, text.as_bytes());
    }
    let admin_dist = env::var("CONFAB_ADMIN_DIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest_dir.join("../dist-admin"));
    println!("cargo:rerun-if-env-changed=CONFAB_ADMIN_DIST_DIR");
    println!("cargo:rerun-if-changed={}", admin_dist.display());
    let dashboard = embed_dashboard(&out, &mut table, &admin_dist);
    table.push(']');
    fs::write(out.join("assets.rs"), table).unwrap();
    fs::write(out.join("dashboard.rs"), dashboard).unwrap();
    fs::write(out.join("widget_built.rs"), built.to_string()).unwrap();
    embed_texts(&out, &manifest_dir.join("../app/i18n"));
}

/// The widget's language files as `(code, JSON)`, straight from `app/i18n/`
/// (not from the built widget, so the server's own pages speak every
/// language even when the widget is not built).
fn embed_texts(out: &std::path::Path, dir: &std::path::Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut table = String::from("&[\n");
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let code = path.file_stem().unwrap().to_str().unwrap();
        let path = path.canonicalize().unwrap();
        writeln!(
            table,
            "({code:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    table.push(']');
    fs::write(out.join("texts.rs"), table).unwrap();
}

/// Embeds the widget's language files (`dist/i18n/<code>.json`, copied there
/// by Trunk from `app/i18n/`) under hashed names, and returns the manifest's
/// `"code":"assets/lang-<code>-<hash>.json"` entries; English is built in.
fn embed_languages(out: &std::path::Path, table: &mut String, dist: &std::path::Path) -> String {
    let dir = dist.join("i18n");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut entries = Vec::new();
    for path in files {
        let Some(code) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let bytes = fs::read(&path).unwrap();
        let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
        let name = format!("assets/lang-{code}-{hash}.json");
        let mime = "application/json; charset=utf-8";
        emit(out, table, &format!("/{name}"), mime, true, &bytes);
        // Quoted: tags like zh-Hant are not JavaScript names.
        entries.push(format!("\"{code}\":\"{name}\""));
    }
    entries.join(",")
}

/// Embeds the dashboard and a boot module that starts it, so the `/admin`
/// page needs no inline script. Returns the `Option<(boot, css)>` paths the
/// page links, or `None` when the dashboard was not built.
fn embed_dashboard(out: &std::path::Path, table: &mut String, dir: &std::path::Path) -> String {
    let mut paths = Vec::new();
    for (file, stem, ext, mime) in DASHBOARD {
        let path = dir.join(file);
        println!("cargo:rerun-if-changed={}", path.display());
        let Ok(bytes) = fs::read(&path) else {
            println!(
                "cargo:warning=dashboard not found in {}: /admin serves the plain login page",
                dir.display()
            );
            return "None".into();
        };
        let hash = hex::encode(&Sha256::digest(&bytes)[..8]);
        let public = format!("/assets/{stem}-{hash}.{ext}");
        emit(out, table, &public, mime, true, &bytes);
        paths.push(public);
    }
    let boot = format!(
        "import init from \"{}\";\ninit({{ module_or_path: \"{}\" }});\n",
        paths[0], paths[1]
    );
    let hash = hex::encode(&Sha256::digest(boot.as_bytes())[..8]);
    let public = format!("/assets/admin-boot-{hash}.js");
    let mime = "text/javascript; charset=utf-8";
    emit(out, table, &public, mime, true, boot.as_bytes());
    format!("Some(({public:?}, {:?}))", paths[2])
}

/// Writes the raw, brotli and gzip variants and a table row that includes them.
fn emit(
    out: &std::path::Path,
    table: &mut String,
    path: &str,
    mime: &str,
    immutable: bool,
    raw: &[u8],
) {
    let key = path.trim_start_matches('/').replace('/', "_");
    let raw_file = out.join(&key);
    fs::write(&raw_file, raw).unwrap();

    let mut br = Vec::new();
    {
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut &raw[..], &mut br, &params).unwrap();
    }
    let br_file = out.join(format!("{key}.br"));
    fs::write(&br_file, &br).unwrap();

    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(raw).unwrap();
    let gz_file = out.join(format!("{key}.gz"));
    fs::write(&gz_file, gz.finish().unwrap()).unwrap();

    let etag = hex::encode(&Sha256::digest(raw)[..8]);
    writeln!(
        table,
        "    Asset {{ path: {path:?}, content_type: {mime:?}, immutable: {immutable}, etag: {etag:?}, \
         raw: include_bytes!({raw:?}), br: include_bytes!({br:?}), gz: include_bytes!({gz:?}) }},",
        raw = raw_file.display().to_string(),
        br = br_file.display().to_string(),
        gz = gz_file.display().to_string(),
    )
    .unwrap();
}

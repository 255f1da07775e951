//! The release of the footing issue: `scripts/release` builds a static
//! musl binary with the widget inside, and `contrib/Containerfile` wraps it
//! in a `FROM scratch` image. Both tests take the binary from
//! `CONFAB_RELEASE_BIN` and fail without it; they are ignored in the plain
//! integration run, and scripts/test runs them after `scripts/release`.
//! The image is built and opened here but not run: `podman run` fails on
//! the CI machine (crun cannot set RLIMIT_NPROC), so the README says a run
//! inside the container is untested.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use sha2::{Digest, Sha256};

/// The binary scripts/release built; a missing one fails the test.
fn release_bin() -> PathBuf {
    let bin = std::env::var_os("CONFAB_RELEASE_BIN")
        .map(PathBuf::from)
        .expect("CONFAB_RELEASE_BIN: set it to the path scripts/release prints");
    assert!(bin.is_file(), "no release binary at {}", bin.display());
    bin
}

/// What makes an ELF executable dynamic: a program interpreter (PT_INTERP)
/// or a shared library it needs (DT_NEEDED). A static-pie musl binary has a
/// PT_DYNAMIC for its own relocations, but no DT_NEEDED in it.
fn dynamic_parts(elf: &[u8]) -> Vec<String> {
    assert_eq!(&elf[..4], b"\x7fELF", "an ELF file");
    assert_eq!(elf[4], 2, "64-bit");
    assert_eq!(elf[5], 1, "little-endian");
    assert_eq!(u16::from_le_bytes([elf[18], elf[19]]), 0x3e, "x86-64");
    let u16_at = |at: usize| u16::from_le_bytes(elf[at..at + 2].try_into().unwrap()) as usize;
    let u64_at = |at: usize| u64::from_le_bytes(elf[at..at + 8].try_into().unwrap()) as usize;
    let (phoff, phentsize, phnum) = (u64_at(0x20), u16_at(0x36), u16_at(0x38));
    let mut found = Vec::new();
    for header in (0..phnum).map(|i| phoff + i * phentsize) {
        match u32::from_le_bytes(elf[header..header + 4].try_into().unwrap()) {
            3 => found.push("PT_INTERP".to_string()),
            2 => {
                let (offset, size) = (u64_at(header + 8), u64_at(header + 32));
                for entry in elf[offset..offset + size].chunks_exact(16) {
                    match u64::from_le_bytes(entry[..8].try_into().unwrap()) {
                        0 => break,
                        1 => found.push("DT_NEEDED".to_string()),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    found
}

#[tokio::test]
#[ignore = "needs scripts/release; scripts/test runs it with CONFAB_RELEASE_BIN"]
async fn the_static_release_binary_copied_alone_into_an_empty_folder_serves_the_article_the_loader_and_the_widget(
) {
    let release = release_bin();
    let dynamic = dynamic_parts(&std::fs::read(&release).unwrap());
    assert!(dynamic.is_empty(), "not static: {dynamic:?}");

    crate::binary::serves_everything_alone(&release).await;
}

/// Runs podman and returns its stdout; a failure fails the test.
fn podman(args: &[&str]) -> String {
    let out = Command::new("podman")
        .args(args)
        .output()
        .expect("podman runs (apt-get install podman)");
    assert!(
        out.status.success(),
        "podman {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Removes the test's image and container when the test ends.
struct Image {
    tag: String,
    container: Option<String>,
}

impl Drop for Image {
    fn drop(&mut self) {
        if let Some(id) = &self.container {
            let _ = Command::new("podman").args(["rm", "-f", id]).output();
        }
        let _ = Command::new("podman")
            .args(["rmi", "-f", &self.tag])
            .output();
    }
}

#[test]
#[ignore = "needs scripts/release and podman; scripts/test runs it with CONFAB_RELEASE_BIN"]
fn the_containerfile_builds_from_scratch_offline_into_an_image_that_holds_the_release_binary_alone()
{
    let release = release_bin();
    let bytes = std::fs::read(&release).unwrap();
    let context = tempfile::tempdir().unwrap();
    std::fs::copy(&release, context.path().join("confab")).unwrap();
    let containerfile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../contrib/Containerfile");
    let mut image = Image {
        tag: format!("localhost/confab-release-test:{}", std::process::id()),
        container: None,
    };
    podman(&[
        "build",
        "--quiet",
        "--pull=never",
        "-f",
        containerfile.to_str().unwrap(),
        "-t",
        &image.tag,
        context.path().to_str().unwrap(),
    ]);

    // Created, not started: `podman run` fails on this machine.
    let id = podman(&["create", &image.tag]);
    image.container = Some(id.clone());
    let copied = context.path().join("from-image");
    podman(&["cp", &format!("{id}:/confab"), copied.to_str().unwrap()]);
    assert_eq!(
        hex::encode(Sha256::digest(std::fs::read(&copied).unwrap())),
        hex::encode(Sha256::digest(&bytes)),
        "/confab in the image is the release binary"
    );

    let config: serde_json::Value = serde_json::from_str(&podman(&[
        "image",
        "inspect",
        "--format",
        "{{json .Config}}",
        &image.tag,
    ]))
    .unwrap();
    assert_eq!(config["Entrypoint"], serde_json::json!(["/confab"]));
    assert_eq!(config["Cmd"], serde_json::json!(["serve"]));
    let env: Vec<&str> = config["Env"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(env.contains(&"CONFAB_LISTEN=0.0.0.0:8080"), "{env:?}");
    assert!(
        env.contains(&"CONFAB_DATABASE_URL=sqlite:///data/confab.db"),
        "{env:?}"
    );
    assert!(config["Volumes"].get("/data").is_some(), "{config}");

    // FROM scratch plus one COPY: a single layer, about the binary's size.
    let layers = podman(&[
        "image",
        "inspect",
        "--format",
        "{{len .RootFS.Layers}}",
        &image.tag,
    ]);
    assert_eq!(layers, "1", "one layer");
    let size: u64 = podman(&["image", "inspect", "--format", "{{.Size}}", &image.tag])
        .parse()
        .unwrap();
    let binary = bytes.len() as u64;
    assert!(
        (binary..binary + 1024 * 1024).contains(&size),
        "an image of {size} bytes around a binary of {binary}"
    );
}

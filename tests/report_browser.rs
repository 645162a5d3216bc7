//! report.html as a person sees it: a small sintering run (tests/inputs/report_browser.ron) is
//! rendered in headless Chromium, which reports every image that failed to load, every plot
//! without data (no coloured pixel: only axes, grid and text) and every page error, and takes a
//! screenshot of the whole page. The screenshot stays at the path the test prints
//! (`target/report-browser/report.png`, a CI artifact). A second page with a missing image and an
//! empty plot checks that the checks catch them.
//!
//! Without Chromium (`chromium` or `chromium-browser` on PATH, or `$CHROMIUM`) the test prints
//! why it skipped and passes; `.ci/run` installs Chromium so that CI runs it.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Coloured pixels (max - min channel above 60) a plot needs: data curves are drawn in saturated
/// colours, axes, grid lines and text in greys.
const MIN_COLOURED_PIXELS: u64 = 200;

/// Runs in the page before anything loads: collects errors (script errors and resources that
/// failed to load) and, once the page has loaded, each image's state and coloured-pixel count,
/// written into the page as one JSON line for `--dump-dom` to show.
const CHECK_SCRIPT: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  window.__errors.push(t && t !== window ? 'failed to load ' + (t.src || t.href) : String(e.message));
}, true);
window.addEventListener('load', function () {
  var rows = [];
  for (var img of document.images) {
    var row = {src: img.getAttribute('src'), alt: img.getAttribute('alt'), complete: img.complete,
               width: img.naturalWidth, height: img.naturalHeight, coloured: -1, error: ''};
    try {
      var c = document.createElement('canvas');
      c.width = img.naturalWidth; c.height = img.naturalHeight;
      var g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      var d = g.getImageData(0, 0, c.width, c.height).data, n = 0;
      for (var k = 0; k < d.length; k += 4) {
        if (Math.max(d[k], d[k + 1], d[k + 2]) - Math.min(d[k], d[k + 1], d[k + 2]) > 60) n++;
      }
      row.coloured = n;
    } catch (err) { row.error = String(err); }
    rows.push(row);
  }
  var out = document.createElement('pre');
  out.textContent = 'BROWSER' + '-CHECK ' + JSON.stringify({height: document.documentElement.scrollHeight,
    errors: window.__errors, images: rows});
  document.body.appendChild(out);
});
</script>"#;

fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|d| ["chromium", "chromium-browser"].map(|n| d.join(n)))
        .find(|p| p.is_file())
}

/// Chromium, headless, with a fresh profile in `profile`, no network and no background services.
fn chromium(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        "--hide-scrollbars",
        // Lets the page read its own (file://) images back from a canvas.
        "--allow-file-access-from-files",
        "--virtual-time-budget=10000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

fn file_url(path: &Path) -> String {
    format!("file://{}", path.canonicalize().unwrap().display())
}

/// Loads `page` (a copy of it with [`CHECK_SCRIPT`]) and returns what the script found.
fn check_page(browser: &Path, page: &Path, work: &Path) -> Value {
    let html = std::fs::read_to_string(page).unwrap();
    assert!(html.contains("<head>"), "{}: no <head>", page.display());
    let checked = page.with_file_name("browser_check.html");
    std::fs::write(
        &checked,
        html.replacen("<head>", &format!("<head>{CHECK_SCRIPT}"), 1),
    )
    .unwrap();
    let out = chromium(browser, &work.join("profile-check"))
        .arg("--dump-dom")
        .arg(file_url(&checked))
        .output()
        .unwrap();
    std::fs::remove_file(&checked).unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    const MARK: &str = "<pre>BROWSER-CHECK ";
    let json = dom
        .find(MARK)
        .map(|k| &dom[k + MARK.len()..])
        .and_then(|rest| rest.split_once("</pre>"))
        .map(|(json, _)| json)
        .unwrap_or_else(|| {
            panic!(
                "Chromium gave no check result for {} (status {}):\n{}",
                page.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        });
    // --dump-dom escapes &, < and > in text; the JSON holds captions with those.
    let json = json
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

/// The problems a check result shows: page errors, broken images, plots without data.
fn problems(check: &Value) -> Vec<String> {
    let mut found: Vec<String> = check["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("page error: {e}"))
        .collect();
    for img in check["images"].as_array().unwrap() {
        let src = img["src"].as_str().unwrap_or("?");
        if !img["complete"].as_bool().unwrap_or(false) || img["width"].as_u64() == Some(0) {
            found.push(format!("broken image: {src}"));
        } else if !img["error"].as_str().unwrap_or("").is_empty() {
            found.push(format!("{src}: could not read pixels: {}", img["error"]));
        } else if img["coloured"].as_u64().unwrap_or(0) < MIN_COLOURED_PIXELS {
            found.push(format!(
                "empty plot: {src} ({} coloured pixels)",
                img["coloured"]
            ));
        }
        if img["alt"].as_str().unwrap_or("").is_empty() {
            found.push(format!("no alt text: {src}"));
        }
    }
    found
}

/// Screenshot of the whole of `page` (`height` pixels tall) at `png`.
fn screenshot(browser: &Path, page: &Path, height: u64, png: &Path, work: &Path) {
    let out = chromium(browser, &work.join("profile-shot"))
        .arg(format!("--window-size=1100,{}", height.clamp(600, 30_000)))
        .arg(format!("--screenshot={}", png.display()))
        .arg(file_url(page))
        .output()
        .unwrap();
    let bytes = std::fs::read(png).unwrap_or_else(|_| {
        panic!(
            "no screenshot at {} (status {}):\n{}",
            png.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(&bytes[1..4], b"PNG");
}

#[test]
fn report_renders_in_a_browser() {
    let Some(browser) = find_chromium() else {
        println!(
            "SKIPPED report_renders_in_a_browser: no Chromium (install the Debian package \
             `chromium`, or set CHROMIUM to the browser)"
        );
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Under the build folder, which outlives a temporary clone (.ci/run sets CARGO_TARGET_DIR).
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let work = target.join("report-browser");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let run_dir = work.join("run");
    let out = Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(["run", "tests/inputs/report_browser.ron", "--out"])
        .arg(&run_dir)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = run_dir.join("report.html");
    let check = check_page(&browser, &report, &work);
    let images = check["images"].as_array().unwrap();
    let names: Vec<&str> = images.iter().filter_map(|i| i["src"].as_str()).collect();
    for expected in [
        "thermo_energy.png",
        "sinter_neck.png",
        "sinter_tracked_paths.png",
        "sinter_tracked_displacement.png",
        "sinter_rdf.png",
        "kmc_neck_fit.png",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not in the report: {names:?}"
        );
    }
    let png = work.join("report.png");
    screenshot(
        &browser,
        &report,
        check["height"].as_u64().unwrap_or(10_000),
        &png,
        &work,
    );
    println!(
        "report screenshot: {} ({} images checked)",
        png.display(),
        images.len()
    );
    // The new figures one by one, each in a page with the report's own style and caption.
    let html = std::fs::read_to_string(&report).unwrap();
    let head = &html[..html.find("<body>").expect("<body>") + "<body>".len()];
    for name in [
        "thermo_energy.png",
        "sinter_neck.png",
        "sinter_tracked_paths.png",
        "sinter_tracked_displacement.png",
        "kmc_neck_fit.png",
    ] {
        let at = html.find(&format!("<img src=\"{name}\"")).unwrap();
        let start = html[..at].rfind("<figure>").unwrap();
        let end = at + html[at..].find("</figure>").unwrap() + "</figure>".len();
        let stem = name.trim_end_matches(".png");
        let page = run_dir.join(format!("figure_{stem}.html"));
        std::fs::write(
            &page,
            format!("{head}\n{}\n</body></html>", &html[start..end]),
        )
        .unwrap();
        let height = images
            .iter()
            .find(|i| i["src"] == name)
            .and_then(|i| i["height"].as_u64())
            .unwrap_or(600);
        let shot = work.join(format!("figure_{stem}.png"));
        screenshot(&browser, &page, height * 10 / 9 + 250, &shot, &work);
        println!("figure screenshot: {}", shot.display());
    }
    let found = problems(&check);
    assert!(found.is_empty(), "report.html in Chromium: {found:#?}");
}

#[test]
fn the_browser_check_catches_broken_images_and_empty_plots() {
    let Some(browser) = find_chromium() else {
        println!("SKIPPED the_browser_check_catches_broken_images_and_empty_plots: no Chromium");
        return;
    };
    let work = tempfile::tempdir().unwrap();
    sintermd::report::Plot::new("nothing", "x", "y")
        .write(&work.path().join("empty"))
        .unwrap();
    let page = work.path().join("page.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><head><title>t</title></head><body>\
         <img src=\"missing.png\" alt=\"a\"><img src=\"empty.png\" alt=\"b\"></body></html>",
    )
    .unwrap();
    let found = problems(&check_page(&browser, &page, work.path()));
    assert!(
        found
            .iter()
            .any(|p| p.contains("broken image: missing.png")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|p| p.contains("empty plot: empty.png")),
        "{found:?}"
    );
}

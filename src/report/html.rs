//! `report.html`: the run's parameters, summary and figures in one page.

use std::fmt::Write as _;
use std::path::Path;

use super::Figure;
use crate::error::Result;
use crate::io::write_text;

/// One section of the report (a stage, or the whole run).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Section {
    /// Heading.
    pub title: String,
    /// Lines of text (key facts).
    pub facts: Vec<String>,
    /// Figures, shown in order.
    pub figures: Vec<Figure>,
}

/// `text` with the characters HTML gives meaning to replaced by entities, so that it is safe in
/// element content and in quoted attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Writes `report.html` into `dir`: a title, the input file, and the sections.
pub fn write_report(
    dir: &Path,
    title: &str,
    input_name: &str,
    input_text: &str,
    sections: &[Section],
) -> Result<()> {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>\
body{{font-family:sans-serif;max-width:1000px;margin:auto;padding:1em}}\
img{{max-width:100%;border:1px solid #ddd}}pre{{background:#f6f6f6;padding:1em;overflow:auto}}\
figure{{margin:1.5em 0}}figcaption{{color:#444}}</style></head><body>\n<h1>{t}</h1>\n",
        t = escape(title)
    );
    for s in sections {
        let _ = writeln!(h, "<h2>{}</h2>\n<ul>", escape(&s.title));
        for f in &s.facts {
            let _ = writeln!(h, "<li>{}</li>", escape(f));
        }
        let _ = writeln!(h, "</ul>");
        for fig in &s.figures {
            let name = fig
                .png
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let svg = Path::new(&name).with_extension("svg");
            let _ = writeln!(
                h,
                "<figure><img src=\"{n}\" alt=\"{c}\"><figcaption>{c} (<a href=\"{s}\">SVG</a>)</figcaption></figure>",
                n = escape(&name),
                c = escape(&fig.caption),
                s = escape(&svg.to_string_lossy())
            );
        }
    }
    let _ = writeln!(
        h,
        "<h2>Input: {}</h2>\n<pre>{}</pre>\n</body></html>",
        escape(input_name),
        escape(input_text)
    );
    write_text(&dir.join("report.html"), &h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_for_attributes() {
        assert_eq!(
            escape(r#"a "b" <c> & 'd'"#),
            "a &quot;b&quot; &lt;c&gt; &amp; &#39;d&#39;"
        );
    }
}

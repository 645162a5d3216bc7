//! What the report and the files of a small sintering run say (tests/inputs/report_browser.ron:
//! two particles in a periodic box that is mostly vacuum, then a KMC stage whose neck shrinks):
//! no pressure, the g(r) normalisation stated, the conserved quantity's drift in the energy
//! caption, a refused neck fit shown with its reason, a plot for every analysis CSV, and
//! attribute values escaped.

use std::process::Command;

#[test]
fn report_states_what_its_numbers_mean() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(["run", "tests/inputs/report_browser.ron", "--out"])
        .arg(dir.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();

    // Pressure: empty in thermo.csv, null in summary.json (the box is mostly vacuum).
    let thermo = read("thermo.csv");
    let header: Vec<&str> = thermo.lines().next().unwrap().split(',').collect();
    let k = header.iter().position(|h| *h == "pressure[bar]").unwrap();
    assert!(
        thermo
            .lines()
            .skip(1)
            .all(|l| l.split(',').nth(k) == Some("")),
        "pressure written for a box of vacuum"
    );
    let summary: serde_json::Value = serde_json::from_str(&read("summary.json")).unwrap();
    assert!(
        summary["final"]["pressure"].is_null(),
        "{}",
        summary["final"]
    );

    // g(r): the density it was normalised by, in the CSV header and the caption.
    let rdf = read("sinter_rdf.csv");
    assert!(
        rdf.lines()
            .next()
            .unwrap()
            .contains("g_total[material density "),
        "{rdf:.200}"
    );
    let report = read("report.html");
    assert!(report.contains("normalised by the material&#39;s density"));
    assert!(report.contains("the g(r) of LAMMPS or OVITO for this box is"));

    // Energies: the drift of the conserved quantity in the caption.
    assert!(report.contains("Drift of the conserved quantity (least-squares slope): stage 3"));

    // KMC starts from an MD neck past the initial stage (r/R > 0.3, the default window's end):
    // no exponent, the reason instead.
    let kmc: serde_json::Value = serde_json::from_str(&read("kmc_kmc.json")).unwrap();
    let reason = kmc["fit"]["Err"]
        .as_str()
        .unwrap_or_else(|| panic!("{}", kmc["fit"]));
    assert!(reason.contains("the neck is already at r/R"), "{reason}");
    assert!(report.contains("No fit: the neck is already at r/R"));
    assert!(
        stderr.contains("no fit: the neck is already at r/R"),
        "{stderr}"
    );
    // The window table still gives n over the windows that reach past r/R = 0.3.
    assert_eq!(kmc["fit_windows"].as_array().unwrap().len(), 8);

    // A figure for every analysis CSV.
    for (csv, pngs) in [
        ("sinter_neck.csv", &["sinter_neck.png"][..]),
        ("sinter_com.csv", &["sinter_com.png"]),
        ("sinter_rdf.csv", &["sinter_rdf.png"]),
        ("sinter_msd.csv", &["sinter_msd.png"]),
        ("sinter_structure.csv", &["sinter_structure.png"]),
        (
            "sinter_phase.csv",
            &["sinter_phase.png", "sinter_phase_lindemann.png"],
        ),
        (
            "sinter_tracked.csv",
            &[
                "sinter_tracked_paths.png",
                "sinter_tracked_displacement.png",
            ],
        ),
        ("kmc_neck.csv", &["kmc_neck_fit.png"]),
    ] {
        assert!(dir.path().join(csv).exists(), "{csv} missing");
        for png in pngs {
            assert!(
                report.contains(&format!("<img src=\"{png}\"")),
                "{png} not in the report"
            );
        }
    }

    // Attribute values: every alt text is free of raw quotes (the captions contain apostrophes).
    for alt in report.split(" alt=\"").skip(1) {
        let value = &alt[..alt.find('"').unwrap()];
        assert!(
            !value.contains('\'') && !value.contains('<'),
            "unescaped: {value}"
        );
    }
}

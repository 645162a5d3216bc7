//! The `WriteMesh` stage: the atoms of a system become a KMC site file with its analysis. On an
//! amorphous packing it reports an amorphous mesh (no fcc, hcp or bcc fraction above 5 %), on a
//! crystal it says the mesh is not amorphous; the file reads back with the same sites and
//! neighbours; a stage that asks to read neighbours from the file is refused.

mod kmc_support;

use kmc_support::relaxed_random_mesh;
use sintermd::input::WriteMeshStage;
use sintermd::kmc::lattice::FccLattice;
use sintermd::kmc::mesh::{MeshNeighbors, read_mesh};
use sintermd::run::stages::write_mesh::crystalline_fraction;
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

fn stage() -> WriteMeshStage {
    WriteMeshStage {
        name: Some("mesh".into()),
        file: "sites.mesh".into(),
        neighbors: MeshNeighbors::FirstMinimum,
        write_neighbors: true,
    }
}

fn system_of(simbox: SimBox, positions: &[Vec3]) -> System {
    let species = SpeciesTable::new(vec!["Pd".into()], vec![106.42]).unwrap();
    let mut s = System::new(simbox, species);
    for (i, x) in positions.iter().enumerate() {
        s.push(i as u64 + 1, 0, *x, Vec3::zeros());
    }
    s
}

#[test]
fn amorphous_packing_becomes_an_amorphous_mesh() {
    let (mesh, _) = relaxed_random_mesh(2000, 0.068, 3);
    let system = system_of(mesh.simbox.clone(), &mesh.positions);
    let dir = tempfile::tempdir().unwrap();
    let out = stage().run(&system, dir.path(), "mesh").unwrap();
    let r = &out.report;
    assert_eq!(r.sites, 2000);
    assert!(r.detected);
    assert!(
        crystalline_fraction(r) <= 0.05,
        "{:?}",
        r.structure_fractions
    );
    assert!(
        out.facts.iter().any(|f| f.contains("amorphous (no fcc")),
        "{:?}",
        out.facts
    );
    // Every site has a sensible neighbour count.
    assert!(
        r.neighbor_counts.min >= 6 && r.neighbor_counts.max <= 20,
        "{}",
        r.neighbor_counts.line()
    );
    for f in [
        "sites.mesh",
        "mesh_mesh.json",
        "mesh_gr.csv",
        "mesh_gr.png",
        "mesh_neighbor_counts.png",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    // The file reads back: same sites, the written neighbour lists, the cutoff.
    let back = read_mesh(&dir.path().join("sites.mesh")).unwrap();
    assert_eq!(back.positions.len(), 2000);
    assert!((back.cutoff.unwrap() - r.cutoff).abs() < 1e-12);
    let rows = back.neighbors.unwrap();
    let total: usize = rows.iter().map(Vec::len).sum();
    let mean = total as f64 / rows.len() as f64;
    assert!((mean - r.neighbor_counts.mean).abs() < 1e-9);
}

#[test]
fn crystal_is_reported_as_not_amorphous() {
    let a = 3.89;
    let lattice = FccLattice {
        a,
        rotation: nalgebra::Matrix3::identity(),
        origin: Vec3::repeat(0.25 * a),
    };
    let l = 6.0 * a;
    let x = lattice.sites_in(Vec3::zeros(), Vec3::repeat(l - 1e-9), |_| true);
    let simbox = SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap();
    let system = system_of(simbox, &x);
    let dir = tempfile::tempdir().unwrap();
    let out = stage().run(&system, dir.path(), "mesh").unwrap();
    assert_eq!(out.report.sites, 864);
    assert!(crystalline_fraction(&out.report) > 0.95);
    assert!(
        out.facts.iter().any(|f| f.contains("NOT amorphous")),
        "{:?}",
        out.facts
    );
    assert_eq!(out.report.neighbor_counts.min, 12);
    assert_eq!(out.report.neighbor_counts.max, 12);
}

#[test]
fn write_mesh_refuses_neighbours_from_a_file() {
    let s = WriteMeshStage {
        neighbors: MeshNeighbors::FromFile,
        ..stage()
    };
    let e = s.check().unwrap_err().to_string();
    assert!(
        e.contains("neighbors must be FirstMinimum or Cutoff"),
        "{e}"
    );
}

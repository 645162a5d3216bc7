//! Rate classes: the event catalogue of rejection-free KMC without scanning atoms.
//!
//! Every mobile atom belongs to one class (a small integer key); all members of a class have the
//! same total rate, the class's `member_rate`. Each class keeps its members in a list with O(1)
//! insert and remove (swap with the last member; every site remembers its slot).
//!
//! Selecting a class: with few classes (at most [`FLAT_LIMIT`], e.g. the 13 coordination values
//! of the one-species fcc model) the weights `members * member_rate` are summed and scanned in
//! class order at every event, which is cheaper than any bookkeeping. With more classes (alloys,
//! per-hop mode, meshes) a complete binary tree holds the weights at its leaves and their partial
//! sums above; the total rate is the root and a class is chosen by one descent, and after a hop
//! only the paths above the classes whose counts changed are recomputed.
//!
//! Either way the total is a pure function of the class counts: tree nodes are always recomputed
//! as `left + right`, never updated by adding and subtracting differences, so nothing drifts and
//! a full recomputation reproduces the total bit for bit.

/// Marks a site that is in no class (empty, or an atom that cannot move).
pub const NO_CLASS: u32 = u32::MAX;

/// Largest number of classes selected by a linear scan rather than the tree.
pub const FLAT_LIMIT: usize = 32;

/// Total rate sum_c w_c [1/s] of class weights w_c = members_c * rate_c >= 0 selected by a
/// linear scan, `weights` padded with zeros to a multiple of 4. Four lanes (class c into lane c
/// mod 4, each summed in class order, then (l0 + l1) + (l2 + l3)) shorten the chain of dependent
/// additions; every engine uses this one function, so totals agree bit for bit.
///
/// The weights are read one by one: an engine updates them one by one just before, and a load
/// spanning several recent stores (as a vectorised sum makes) cannot take their values from the
/// store queue and waits until they reach the cache.
#[inline(always)]
pub fn flat_total(weights: &[f64]) -> f64 {
    let mut lanes = [0.0f64; 4];
    for chunk in weights.chunks_exact(4) {
        for (l, w) in lanes.iter_mut().zip(chunk) {
            // SAFETY: `w` is a reference to an initialised f64.
            *l += unsafe { std::ptr::read_volatile(w) };
        }
    }
    (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
}

/// The class whose cumulative weight interval (classes in order) holds `target` in
/// [0, total); never a class of zero weight, even when round-off puts `target` at the end.
#[inline(always)]
pub fn flat_select(weights: &[f64], mut target: f64) -> usize {
    // A class of weight 0 needs no test of its own: `target` stays >= 0 until the class is
    // found (target >= w gives target - w >= 0), so `target < 0` fails and `target - 0` is
    // `target`; leaving out that branch saves a misprediction whenever a class empties or fills.
    let mut last_filled = 0;
    for (c, &w) in weights.iter().enumerate() {
        if target < w {
            return c;
        }
        target -= w;
        if w > 0.0 {
            last_filled = c;
        }
    }
    last_filled
}

/// Length of a weight array for `classes` classes: padded to a multiple of 4.
pub fn padded_len(classes: usize) -> usize {
    classes.div_ceil(4).max(1) * 4
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Place {
    class: u32,
    slot: u32,
}

const NOWHERE: Place = Place {
    class: NO_CLASS,
    slot: NO_CLASS,
};

/// Class lists and the partial-sum tree over the class weights.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RateClasses {
    member_rate: Vec<f64>,
    members: Vec<Vec<u32>>,
    /// Weight members * member_rate of every class, padded with zeros to a multiple of 4.
    weights: Vec<f64>,
    /// Class and slot of every site, side by side so that one cache line serves both.
    place: Vec<Place>,
    flat: bool,
    leaves: usize,
    tree: Vec<f64>,
    dirty: Vec<u32>,
    is_dirty: Vec<bool>,
}

impl RateClasses {
    /// Empty classes with the given per-member rates [1/s] for `n_sites` sites.
    pub fn new(member_rate: Vec<f64>, n_sites: usize) -> Self {
        let leaves = member_rate.len().next_power_of_two().max(1);
        let flat = member_rate.len() <= FLAT_LIMIT;
        RateClasses {
            members: vec![Vec::new(); member_rate.len()],
            weights: vec![0.0; padded_len(member_rate.len())],
            is_dirty: vec![false; member_rate.len()],
            member_rate,
            place: vec![NOWHERE; n_sites],
            flat,
            leaves,
            tree: vec![0.0; 2 * leaves],
            dirty: Vec::new(),
        }
    }

    /// Number of classes.
    pub fn len(&self) -> usize {
        self.member_rate.len()
    }

    /// True when there are no classes.
    pub fn is_empty(&self) -> bool {
        self.member_rate.is_empty()
    }

    /// Rate of each member of class `class` [1/s].
    pub fn member_rate(&self, class: usize) -> f64 {
        self.member_rate[class]
    }

    /// Members of class `class` (site indices, in list order).
    pub fn members(&self, class: usize) -> &[u32] {
        &self.members[class]
    }

    /// Class of site `site`, or [`NO_CLASS`].
    #[inline]
    pub fn class_of(&self, site: usize) -> u32 {
        self.place[site].class
    }

    /// Slot of `site` in its class list, or [`NO_CLASS`].
    pub fn slot_of(&self, site: usize) -> u32 {
        self.place[site].slot
    }

    #[inline]
    fn mark(&mut self, class: usize) {
        if !self.flat && !self.is_dirty[class] {
            self.is_dirty[class] = true;
            self.dirty.push(class as u32);
        }
    }

    /// Moves `site` to class `class` (or out of every class with [`NO_CLASS`]).
    #[inline(always)]
    pub fn set_class(&mut self, site: usize, class: u32) {
        let old = self.place[site];
        if old.class == class {
            return;
        }
        if old.class != NO_CLASS {
            // Swap-remove: the last member takes the vacated slot (a no-op when it is `site`).
            let list = &mut self.members[old.class as usize];
            let last_slot = list.len() - 1;
            let last = list[last_slot];
            list[old.slot as usize] = last;
            list.truncate(last_slot);
            self.place[last as usize].slot = old.slot;
            self.weights[old.class as usize] =
                last_slot as f64 * self.member_rate[old.class as usize];
            self.mark(old.class as usize);
        }
        self.place[site] = if class != NO_CLASS {
            let list = &mut self.members[class as usize];
            let slot = list.len() as u32;
            list.push(site as u32);
            self.weights[class as usize] = (slot + 1) as f64 * self.member_rate[class as usize];
            self.mark(class as usize);
            Place { class, slot }
        } else {
            NOWHERE
        };
    }

    /// Brings the partial sums up to date with the class counts changed since the last call
    /// (nothing to do with flat selection).
    #[inline]
    pub fn refresh_tree(&mut self) {
        while let Some(c) = self.dirty.pop() {
            let c = c as usize;
            self.is_dirty[c] = false;
            let mut node = self.leaves + c;
            self.tree[node] = self.weights[c];
            while node > 1 {
                node /= 2;
                self.tree[node] = self.tree[2 * node] + self.tree[2 * node + 1];
            }
        }
    }

    /// Total rate R = sum over classes of members * member_rate [1/s] (call
    /// [`RateClasses::refresh_tree`] first).
    #[inline]
    pub fn total_rate(&self) -> f64 {
        if self.flat {
            flat_total(&self.weights)
        } else {
            self.tree[1]
        }
    }

    /// Weight members * member_rate of class `class` [1/s].
    pub fn class_weight(&self, class: usize) -> f64 {
        self.weights[class]
    }

    /// The class whose cumulative weight interval holds `target` in [0, total_rate). Never
    /// returns an empty class, even when round-off puts `target` at the very end.
    #[inline]
    pub fn select_class(&self, mut target: f64) -> usize {
        if self.flat {
            return flat_select(&self.weights, target);
        }
        let mut node = 1;
        while node < self.leaves {
            let left = self.tree[2 * node];
            let right = self.tree[2 * node + 1];
            if target < left || right <= 0.0 {
                node *= 2;
            } else {
                target -= left;
                node = 2 * node + 1;
            }
        }
        node - self.leaves
    }

    /// A fresh tree computed from the current class counts, for checks.
    pub fn recomputed_tree(&self) -> Vec<f64> {
        let mut tree = vec![0.0; 2 * self.leaves];
        for c in 0..self.len() {
            tree[self.leaves + c] = self.members[c].len() as f64 * self.member_rate[c];
        }
        for node in (1..self.leaves).rev() {
            tree[node] = tree[2 * node] + tree[2 * node + 1];
        }
        tree
    }

    /// The current tree (after [`RateClasses::refresh_tree`]).
    pub fn tree(&self) -> &[f64] {
        &self.tree
    }

    /// Checks that every list entry points back to its site and slot and that the tree equals a
    /// recomputation; returns the first inconsistency found.
    pub fn check(&self) -> std::result::Result<(), String> {
        let mut listed = 0usize;
        for (c, list) in self.members.iter().enumerate() {
            for (slot, &site) in list.iter().enumerate() {
                let p = self.place[site as usize];
                if p.class != c as u32 || p.slot != slot as u32 {
                    return Err(format!(
                        "site {site} is listed in class {c} slot {slot} but records class {} slot {}",
                        p.class, p.slot
                    ));
                }
            }
            listed += list.len();
        }
        let classed = self.place.iter().filter(|p| p.class != NO_CLASS).count();
        if listed != classed {
            return Err(format!(
                "{classed} sites have a class but {listed} are listed"
            ));
        }
        for (c, list) in self.members.iter().enumerate() {
            if self.weights[c] != list.len() as f64 * self.member_rate[c] {
                return Err(format!("class {c}: weight differs from members * rate"));
            }
        }
        if !self.dirty.is_empty() {
            return Err("tree not refreshed".into());
        }
        if !self.flat && self.recomputed_tree() != self.tree {
            return Err("partial-sum tree differs from a recomputation".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_and_flat_selection_agree() {
        // 40 classes use the tree; the same counts on their first 30 classes use the flat scan.
        let rates: Vec<f64> = (0..40).map(|k| 1.5f64.powi(k)).collect();
        let mut tree = RateClasses::new(rates.clone(), 200);
        let mut flat = RateClasses::new(rates[..30].to_vec(), 200);
        assert!(!tree.flat && flat.flat);
        for site in 0..200 {
            let class = ((site * 7919) % 31) as u32;
            let class = if class == 30 { NO_CLASS } else { class };
            tree.set_class(site, class);
            flat.set_class(site, class);
        }
        tree.refresh_tree();
        flat.refresh_tree();
        tree.check().unwrap();
        flat.check().unwrap();
        let total = flat.total_rate();
        assert!((tree.total_rate() - total).abs() <= 1e-12 * total);
        for k in 0..1000 {
            let target = total * (k as f64 + 0.5) / 1000.0;
            let (a, b) = (tree.select_class(target), flat.select_class(target));
            // Round-off may differ at an interval boundary only.
            if a != b {
                let below: f64 = (0..a.min(b) + 1).map(|c| flat.class_weight(c)).sum();
                assert!(
                    (below - target).abs() < 1e-9 * total,
                    "{a} vs {b} at {target}"
                );
            }
        }
    }

    #[test]
    fn insert_remove_and_select() {
        let mut c = RateClasses::new(vec![1.0, 10.0, 100.0], 6);
        c.set_class(0, 0);
        c.set_class(1, 1);
        c.set_class(2, 1);
        c.set_class(3, 2);
        c.refresh_tree();
        assert_eq!(c.total_rate(), 121.0);
        assert_eq!(c.select_class(0.5), 0);
        assert_eq!(c.select_class(1.5), 1);
        assert_eq!(c.select_class(20.5), 1);
        assert_eq!(c.select_class(21.5), 2);
        assert_eq!(c.select_class(121.0), 2);
        c.set_class(1, NO_CLASS);
        c.set_class(3, 0);
        c.refresh_tree();
        assert_eq!(c.total_rate(), 12.0);
        assert_eq!(c.members(1), &[2]);
        assert_eq!(c.select_class(11.999), 1);
        assert_eq!(c.select_class(50.0), 1);
        c.check().unwrap();
    }
}

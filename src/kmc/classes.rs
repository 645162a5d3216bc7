//! Rate classes: the event catalogue of rejection-free KMC without scanning atoms.
//!
//! Every mobile atom belongs to one class (a small integer key); all members of a class have the
//! same total rate, the class's `member_rate`. Each class keeps its members in a list with O(1)
//! insert and remove (swap with the last member; every site remembers its slot). A complete
//! binary tree holds the class weights `members * member_rate` at its leaves and their partial
//! sums above, so the total rate is the root and an event is chosen by one descent.
//!
//! Tree nodes are always recomputed as `left + right` from the current counts, never updated by
//! adding and subtracting differences: the tree is a pure function of the class counts, so it
//! does not drift and a full recomputation reproduces it bit for bit.

/// Marks a site that is in no class (empty, or an atom that cannot move).
pub const NO_CLASS: u32 = u32::MAX;

/// Class lists and the partial-sum tree over the class weights.
#[derive(Clone, Debug)]
pub struct RateClasses {
    member_rate: Vec<f64>,
    members: Vec<Vec<u32>>,
    class_of: Vec<u32>,
    slot_of: Vec<u32>,
    leaves: usize,
    tree: Vec<f64>,
    dirty: Vec<u32>,
    is_dirty: Vec<bool>,
}

impl RateClasses {
    /// Empty classes with the given per-member rates [1/s] for `n_sites` sites.
    pub fn new(member_rate: Vec<f64>, n_sites: usize) -> Self {
        let leaves = member_rate.len().next_power_of_two().max(1);
        RateClasses {
            members: vec![Vec::new(); member_rate.len()],
            is_dirty: vec![false; member_rate.len()],
            member_rate,
            class_of: vec![NO_CLASS; n_sites],
            slot_of: vec![NO_CLASS; n_sites],
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
        self.class_of[site]
    }

    /// Slot of `site` in its class list, or [`NO_CLASS`].
    pub fn slot_of(&self, site: usize) -> u32 {
        self.slot_of[site]
    }

    #[inline]
    fn mark(&mut self, class: usize) {
        if !self.is_dirty[class] {
            self.is_dirty[class] = true;
            self.dirty.push(class as u32);
        }
    }

    /// Moves `site` to class `class` (or out of every class with [`NO_CLASS`]).
    #[inline]
    pub fn set_class(&mut self, site: usize, class: u32) {
        let old = self.class_of[site];
        if old == class {
            return;
        }
        if old != NO_CLASS {
            let list = &mut self.members[old as usize];
            let slot = self.slot_of[site] as usize;
            let last = list.pop().expect("a member's class list is not empty");
            if last as usize != site {
                list[slot] = last;
                self.slot_of[last as usize] = slot as u32;
            }
            self.mark(old as usize);
        }
        if class != NO_CLASS {
            let list = &mut self.members[class as usize];
            self.slot_of[site] = list.len() as u32;
            list.push(site as u32);
            self.mark(class as usize);
        } else {
            self.slot_of[site] = NO_CLASS;
        }
        self.class_of[site] = class;
    }

    /// Brings the partial sums up to date with the class counts changed since the last call.
    pub fn refresh_tree(&mut self) {
        while let Some(c) = self.dirty.pop() {
            let c = c as usize;
            self.is_dirty[c] = false;
            let mut node = self.leaves + c;
            self.tree[node] = self.members[c].len() as f64 * self.member_rate[c];
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
        self.tree[1]
    }

    /// Weight of class `class` in the tree [1/s].
    pub fn class_weight(&self, class: usize) -> f64 {
        self.tree[self.leaves + class]
    }

    /// The class whose cumulative weight interval holds `target` in [0, total_rate). Never
    /// returns an empty class, even when round-off puts `target` at the very end.
    #[inline]
    pub fn select_class(&self, mut target: f64) -> usize {
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
                if self.class_of[site as usize] != c as u32
                    || self.slot_of[site as usize] != slot as u32
                {
                    return Err(format!(
                        "site {site} is listed in class {c} slot {slot} but records class {} slot {}",
                        self.class_of[site as usize], self.slot_of[site as usize]
                    ));
                }
            }
            listed += list.len();
        }
        let classed = self.class_of.iter().filter(|&&c| c != NO_CLASS).count();
        if listed != classed {
            return Err(format!(
                "{classed} sites have a class but {listed} are listed"
            ));
        }
        if !self.dirty.is_empty() {
            return Err("tree not refreshed".into());
        }
        if self.recomputed_tree() != self.tree {
            return Err("partial-sum tree differs from a recomputation".into());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! A community organisation (voluntary, community and social enterprise sector): the needs it
//! serves, its funding and places, the programme's patients attending and waiting.

#![warn(missing_docs)]

use std::collections::VecDeque;

use crate::scenario::Community;

/// Annual cuts made by financial year `year` (0 is the programme's first year): one at the start
/// of each programme year from `first` to `last` (1-based programme years; a cut at the start of
/// year 1 would come before the programme), so `max(0, min(year + 1, last) - first + 1)`.
/// Today's default, first 2 and last 100, gives `year`.
pub fn cuts_by_year(year: u32, first: u32, last: u32) -> u32 {
    (year + 1).min(last).saturating_sub(first.saturating_sub(1))
}

/// The weeks at which the annual cuts of programme years `first` to `last` fall within a run of
/// `weeks` weeks: the start of each programme year Y, week `52 * (Y - 1) + 1` (year 2's at week
/// 53), when phase 1 sets the year's funding ([`cuts_by_year`] counts the same cuts). `first`
/// below 2 counts from year 2 (the key's range starts there: a cut at the start of year 1
/// would come before the programme).
pub fn cut_weeks(weeks: u32, first: u32, last: u32) -> Vec<u32> {
    (first.max(2)..=last)
        .map(|year| 52 * (year - 1) + 1)
        .take_while(|&week| week <= weeks)
        .collect()
}

/// Longest attendance, in weeks: the size of the ring that schedules places freeing up.
pub const RING: usize = 64;

/// A patient referred onward, waiting for a place.
#[derive(Debug, Clone, Copy)]
pub struct Referral {
    /// The patient, as they finished link-worker support.
    pub patient: super::patient::Patient,
    /// The referring link-worker post (an index into [`crate::model::World::workers`]): its tie
    /// to the organisation moves with the outcome.
    pub worker: u32,
    /// The week the referral was made.
    pub week: u32,
}

/// A community organisation. Funding and places are set once a financial year
/// ([`Organisation::set_funding`]); places free up and referrals are admitted weekly (phase 4).
/// A closed organisation stays closed, with no places.
#[derive(Debug, Clone)]
pub struct Organisation {
    /// Its network: an index into [`crate::model::World::networks`].
    pub network: u32,
    /// Bit mask of the needs served, over [`super::patient::NEEDS`].
    pub needs: u8,
    /// Baseline annual funding (GBP) at `funding.community_budget = 1`.
    pub base_funding: f64,
    /// Grants lost and won so far, as a multiplier on funding (1 at the start; times
    /// `1 - grant_loss_share` for each grant lost, `1 + grant_win_share` for each won).
    pub grant_factor: f64,
    /// This year's funding (GBP per year), per-referral payments included.
    pub funding: f64,
    /// This year's funding without the per-referral payments (GBP per year): what the community
    /// side costs each year while the organisation is open (payments are costed when made).
    pub grants: f64,
    /// Places at a time: `floor(funding / community.cost_per_place)` (0 when closed).
    pub capacity: u32,
    /// Places taken by people the programme did not refer, set each financial year by the
    /// rationing rule (see [`Organisation::set_funding`]).
    pub other_users: u32,
    /// Places at baseline funding, `floor(base_funding / cost_per_place)` (`community_budget =
    /// 1`, no cut, no grants won or lost).
    pub baseline_places: f64,
    /// Programme patients attending now (places taken by the programme's patients).
    pub occupancy: u32,
    /// Onward referrals waiting for a place, first come first admitted (FIFO).
    pub waiting: VecDeque<Referral>,
    /// Referrals accepted since the last financial year (for per-referral funding).
    pub accepted_this_year: u32,
    /// Open (false once closed for falling below `community.viability_funding`; never reopens).
    pub open: bool,
}

impl Organisation {
    /// An open organisation of network `network` serving `needs` (bit mask over
    /// [`super::patient::NEEDS`]) with baseline funding `base_funding` (GBP per year), before its
    /// first [`Organisation::set_funding`]: no places yet, nobody attending or waiting; others'
    /// places set to `other_demand_share` of its baseline places.
    pub fn new(network: u32, needs: u8, base_funding: f64, c: &Community) -> Self {
        let baseline_places = (base_funding / c.cost_per_place).floor();
        Organisation {
            network,
            needs,
            base_funding,
            grant_factor: 1.0,
            funding: 0.0,
            grants: 0.0,
            capacity: 0,
            other_users: (c.other_demand_share * baseline_places).round() as u32,
            baseline_places,
            occupancy: 0,
            waiting: VecDeque::new(),
            accepted_this_year: 0,
            open: true,
        }
    }

    /// Places free for the programme's patients: capacity less others' places and occupancy (0 at
    /// least).
    pub fn room(&self) -> u32 {
        self.capacity.saturating_sub(self.other_users + self.occupancy)
    }

    /// Whether it accepts an onward referral: open, and its waiting list shorter than
    /// `refuse_waiting_ratio` times its room (at least one place); an overwhelmed organisation
    /// stops accepting referrals.
    pub fn accepting(&self, refuse_waiting_ratio: f64) -> bool {
        self.open && (self.waiting.len() as f64) < refuse_waiting_ratio * f64::from(self.room().max(1))
    }

    /// Set the year's funding: baseline times the budget lever, the compounding cut (`cuts`
    /// annual cuts made so far: [`cuts_by_year`]), grants won and lost, plus last year's per-referral payments; then the
    /// places and how they are rationed. People not referred by the programme hold
    /// `other_demand_share * ((1 - q) * baseline_places + q * capacity)` places (at most all of
    /// them), `q = rationing_proportional`: with 1 every group keeps its share of this year's
    /// places, with 0 others keep their baseline number and the programme gets what is left.
    /// `budget` is `funding.community_budget`, `annual_cut` the share cut each year (0..1),
    /// `per_referral` the payment per accepted referral (GBP). Resets `accepted_this_year`.
    /// Returns false when funding falls below `viability_funding` (the caller closes the
    /// organisation).
    pub fn set_funding(&mut self, cuts: u32, budget: f64, annual_cut: f64, per_referral: f64, c: &Community) -> bool {
        let cut = (1.0 - annual_cut).powi(cuts as i32);
        self.grants = self.base_funding * budget * cut * self.grant_factor;
        self.funding = self.grants + per_referral * f64::from(self.accepted_this_year);
        self.accepted_this_year = 0;
        self.capacity = (self.funding / c.cost_per_place).floor() as u32;
        let q = c.rationing_proportional;
        let claim = (1.0 - q) * self.baseline_places + q * f64::from(self.capacity);
        self.other_users = ((c.other_demand_share * claim).round() as u32).min(self.capacity);
        self.funding >= c.viability_funding
    }

    /// Close: no places, nobody attending. Returns the referrals that were waiting.
    pub fn close(&mut self) -> VecDeque<Referral> {
        self.open = false;
        self.capacity = 0;
        self.funding = 0.0;
        self.grants = 0.0;
        self.occupancy = 0;
        std::mem::take(&mut self.waiting)
    }
}

/// When the programme's patients' places free up, at every organisation of a world: [`RING`]
/// weekly slots, each a row of counts over the organisations (slot by slot, so phase 4 reads one
/// week's counts in organisation order, in one pass through contiguous memory). An organisation's
/// [`Organisation::occupancy`] is the sum of its counts.
#[derive(Debug, Clone)]
pub struct Leaving {
    orgs: usize,
    /// `counts[(w % RING) * orgs + i]`: patients whose attendance at organisation `i` ends in
    /// week `w`.
    counts: Vec<u16>,
}

impl Leaving {
    /// No one attending any of `orgs` organisations.
    pub fn new(orgs: usize) -> Self {
        Leaving {
            orgs,
            counts: vec![0; RING * orgs],
        }
    }

    /// Take the count of patients whose attendance at organisation `org` ends in week `week`
    /// (their places free up; the count is left at 0).
    pub fn take(&mut self, week: u32, org: usize) -> u16 {
        std::mem::take(&mut self.counts[week as usize % RING * self.orgs + org])
    }

    /// A patient's attendance at organisation `org` ends in week `week` (at most `RING - 1`
    /// weeks ahead: a longer attendance would end early).
    pub fn add(&mut self, week: u32, org: usize) {
        self.counts[week as usize % RING * self.orgs + org] += 1;
    }

    /// Patients whose attendance at organisation `org` is scheduled to end, over every slot (it
    /// equals the organisation's [`Organisation::occupancy`]: an invariant the tests check).
    pub fn scheduled(&self, org: usize) -> u32 {
        (0..RING)
            .map(|slot| u32::from(self.counts[slot * self.orgs + org]))
            .sum()
    }

    /// Organisation `org` closed: nobody's attendance there ends any more.
    pub fn clear(&mut self, org: usize) {
        for slot in 0..RING {
            self.counts[slot * self.orgs + org] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The community these tests assume, independent of the scenario defaults.
    fn community() -> Community {
        Community {
            other_demand_share: 0.85,
            rationing_proportional: 0.0,
            cost_per_place: 2000.0,
            viability_funding: 20_000.0,
            ..Default::default()
        }
    }

    fn org(funding: f64) -> Organisation {
        Organisation::new(0, 1, funding, &community())
    }

    #[test]
    fn austerity_compounds_and_an_org_below_viability_closes() {
        let c = community();
        let mut o = org(30_000.0);
        assert!(o.set_funding(0, 1.0, 0.2, 0.0, &c));
        assert_eq!(o.capacity, 15);
        assert!(o.set_funding(1, 1.0, 0.2, 0.0, &c)); // 24,000
        assert!(!o.set_funding(2, 1.0, 0.2, 0.0, &c)); // 19,200 < 20,000
        assert!((o.funding - 19_200.0).abs() < 1e-6);
    }

    #[test]
    fn cuts_start_and_stop_in_the_years_named() {
        // Default: a cut at the start of every year from year 2.
        assert_eq!(
            (0..5).map(|y| cuts_by_year(y, 2, 100)).collect::<Vec<_>>(),
            [0, 1, 2, 3, 4]
        );
        // Cuts from year 3 to year 4 only: funding then stays at the reduced level.
        assert_eq!(
            (0..7).map(|y| cuts_by_year(y, 3, 4)).collect::<Vec<_>>(),
            [0, 0, 1, 2, 2, 2, 2]
        );
        // A last year before the first: no cut.
        assert_eq!(cuts_by_year(9, 5, 3), 0);
    }

    #[test]
    fn the_cuts_within_a_run_are_those_its_financial_years_make() {
        assert_eq!(cut_weeks(52, 2, 100), Vec::<u32>::new());
        assert_eq!(cut_weeks(104, 2, 100), [53]);
        assert_eq!(cut_weeks(104, 3, 100), Vec::<u32>::new());
        assert_eq!(cut_weeks(260, 3, 4), [105, 157]);
        // The same count as phase 1's, at the last financial year of the run.
        for (weeks, first, last) in [(104, 2, 100), (260, 2, 3), (312, 3, 100), (520, 5, 3), (53, 2, 2)] {
            let year = (weeks - 1) / 52;
            assert_eq!(
                cut_weeks(weeks, first, last).len() as u32,
                cuts_by_year(year, first, last)
            );
        }
    }

    #[test]
    fn per_referral_payments_add_funding() {
        let c = community();
        let mut o = org(30_000.0);
        o.accepted_this_year = 10;
        o.set_funding(1, 1.0, 0.0, 100.0, &c);
        assert!((o.funding - 31_000.0).abs() < 1e-6);
        assert_eq!(o.accepted_this_year, 0);
    }

    #[test]
    fn room_excludes_other_users_and_places_free_on_schedule() {
        let c = community();
        let mut o = org(60_000.0); // 30 places, 26 (0.85 * 30 rounded) taken by others
        o.set_funding(0, 1.0, 0.0, 0.0, &c);
        assert_eq!(o.room(), 4);
        let mut leaving = Leaving::new(2);
        o.occupancy += 1; // admitted in week 5 for 12 weeks
        leaving.add(5 + 12, 1);
        assert_eq!(o.room(), 3);
        assert_eq!(leaving.take(16, 1), 0);
        assert_eq!((leaving.take(17, 0), leaving.take(17, 1)), (0, 1));
        assert_eq!(leaving.take(17, 1), 0, "taken once");
        leaving.add(17 + super::RING as u32, 1); // the ring wraps: the same slot a ring later
        leaving.clear(1);
        assert_eq!(leaving.take(17, 1), 0);
    }

    #[test]
    fn proportional_rationing_shares_a_cut_while_others_first_leaves_the_programme_nothing() {
        let c = Community {
            rationing_proportional: 1.0,
            ..community()
        };
        let mut o = Organisation::new(0, 1, 100_000.0, &c); // 50 places at baseline
        o.set_funding(0, 1.0, 0.0, 0.0, &c);
        assert_eq!((o.capacity, o.other_users, o.room()), (50, 43, 7)); // round(0.85 * 50)
        o.set_funding(2, 1.0, 0.3, 0.0, &c); // 49,000: 24 places
        assert_eq!((o.capacity, o.other_users, o.room()), (24, 20, 4));
        let first = community(); // rationing_proportional 0: others keep their 43 places first
        let mut o = Organisation::new(0, 1, 100_000.0, &first);
        o.set_funding(2, 1.0, 0.3, 0.0, &first);
        assert_eq!((o.capacity, o.other_users, o.room()), (24, 24, 0));
    }

    #[test]
    fn an_overwhelmed_org_refuses_referrals() {
        let c = community();
        let mut o = org(60_000.0);
        o.set_funding(0, 1.0, 0.0, 0.0, &c);
        assert!(o.accepting(1.0));
        let p = crate::model::patient::Patient {
            leaves_week: 0,
            sessions_needed: 1,
            contacts: 1,
            ..crate::model::patient::Patient::example()
        };
        for _ in 0..4 {
            o.waiting.push_back(Referral {
                patient: p,
                worker: 0,
                week: 0,
            });
        }
        assert!(!o.accepting(1.0));
        assert!(o.close().len() == 4 && !o.accepting(1.0));
    }
}

//! Scenarios: the typed parameters of one simulation, their defaults, and how they are read.
//!
//! A scenario file is TOML. Every key has a default (so `name = "x"` alone is a valid scenario),
//! a unit, a range and a provenance, all listed once in [`params::SPECS`]; `docs/SCENARIOS.md`
//! is generated from that table (`lwsim keys`). Reading a file ([`load`]) checks syntax, unknown
//! keys, types and ranges and reports the file, line, column and dotted key of anything wrong.
//!
//! Two types, as a command line's raw and checked arguments: a [`RawScenario`] is what serde
//! reads (every key typed, none range-checked; anyone may build or change one), and a
//! [`Scenario`] is a raw scenario that passed [`RawScenario::check`], the only way to make one
//! (besides the defaults, which pass it, and the draw of [`uncertain::draw`], which stays in
//! range). A `Scenario` reads as its raw scenario (it dereferences to it) but cannot be changed
//! in place: [`Scenario::edit`] changes a copy and checks it again. [`crate::model::World::new`]
//! takes a `Scenario`, so the model never sees an unchecked one.

#![warn(missing_docs, clippy::missing_errors_doc)]

pub mod load;
pub mod params;
pub mod reference;
pub mod uncertain;

use serde::{Deserialize, Serialize};

/// What is wrong with a scenario: (dotted key, what was expected), one per problem, in
/// [`params::SPECS`] order (then the rules tying keys together).
pub type Problems = Vec<(String, String)>;

/// A driver drawn per practice: `clamp(mean + sd * z, 0, 1)` with `z` standard normal (the
/// keys `practices.gp_buy_in`, `practices.collaborative_leadership`, `practices.team_dynamics`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Driver {
    /// Mean across practices at the start (0..1 units).
    pub mean: f64,
    /// Standard deviation between practices, before clamping (0..1 units).
    pub sd: f64,
}

impl Default for Driver {
    fn default() -> Self {
        Driver { mean: 0.5, sd: 0.2 }
    }
}

/// One whole scenario as serde reads it, after defaults, `extends` and `--set` have been
/// applied, not yet checked: every value has its type, none has been held to its range or to the
/// rules tying keys together. [`RawScenario::check`] makes a [`Scenario`] of it. Each field is
/// the key of its name; its unit, range, provenance and meaning are in [`params::SPECS`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawScenario {
    /// Scenario name; names the output directory `output/<name>/`. Letters, digits, `-`, `_`, `.` only.
    pub name: String,
    /// One or two sentences saying what the scenario asks; shown in reports.
    pub description: String,
    /// The file this one builds on (`extends`), relative to it; read only by [`load`], which
    /// merges the files, so a loaded scenario has `None`. Not written out.
    #[serde(skip_serializing)]
    pub extends: Option<String>,
    /// `[simulation]`: the run.
    pub simulation: Simulation,
    /// `[practices]`: the GP practices.
    pub practices: Practices,
    /// `[link_workers]`: the link workers.
    pub link_workers: LinkWorkers,
    /// `[patients]`: the referred patients.
    pub patients: Patients,
    /// `[community]`: the community organisations.
    pub community: Community,
    /// `[funding]`: the funding levers.
    pub funding: Funding,
    /// `[implementation]`: the implementation submodel's constants.
    pub implementation: Implementation,
    /// `[output]`: what is written.
    pub output: Output,
    /// The dotted keys the scenario file, the files it extends, or `--set` set explicitly,
    /// sorted (not serialised; empty for a scenario built in code). Under
    /// `simulation.uncertainty = "full"` these keys are held at their values, not drawn.
    #[serde(skip)]
    pub explicit: Vec<String>,
}

/// What is written, beyond the statistics of every replicate (`[output]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Output {
    /// weekly.csv and practices.csv hold the first this-many replicates (0: headers only); monthly.csv and summary.json always use every replicate. `lwsim run --detail N` sets it. Unit: replicates.
    pub detail_replicates: u32,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            detail_replicates: 1000,
        }
    }
}

/// The run: its length, replicates, seed and uncertainty mode (`[simulation]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Simulation {
    /// Length of a run. Months are reported 0..weeks*12/52. Unit: weeks.
    pub weeks: u32,
    /// Independent replicates, each with its own generator. Unit: runs.
    pub replicates: u32,
    /// Base seed; replicate r's seed is derived from (seed, r) alone (see docs/ODD.md).
    pub seed: u64,
    /// Which intervals the run reports: "chance" (replicates differ by their random draws alone) or "full" (each replicate also draws the uncertain constants: see the column drawn). `lwsim run --uncertainty full` sets it.
    pub uncertainty: uncertain::Uncertainty,
}

/// The GP practices and their networks (`[practices]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Practices {
    /// Number of GP practices. Unit: practices.
    pub count: u32,
    /// Practices per network sharing link workers and community organisations. Unit: practices.
    pub per_network: u32,
    /// Smallest registered list; list sizes are uniform between min and max. Unit: patients.
    pub list_size_min: u32,
    /// Largest registered list. Unit: patients.
    pub list_size_max: u32,
    /// Lowest share of patients in the most deprived areas; uniform between min and max. Unit: share 0..1.
    pub deprivation_min: f64,
    /// Highest share of patients in the most deprived areas. Unit: share 0..1.
    pub deprivation_max: f64,
    /// Share of training practices (a standing competing demand). Unit: share 0..1.
    pub training_share: f64,
    /// GP buy-in at the start, drawn per practice (Chng's first lever).
    pub gp_buy_in: Driver,
    /// Collaborative leadership, drawn per practice (Chng's second lever).
    pub collaborative_leadership: Driver,
    /// Quality of team dynamics, drawn per practice (Chng's third lever).
    pub team_dynamics: Driver,
    /// Rate at which competing initiatives arrive (Chng's fifth lever, reversed). Unit: per practice per year.
    pub competing_innovations_per_year: f64,
    /// How long a competing initiative takes staff attention. Unit: weeks.
    pub innovation_weeks: u32,
    /// Referral demand of a fully engaged practice at deprivation 0.5; scaled by (0.5 + deprivation). Unit: referrals per 1,000 registered patients per year.
    pub referrals_per_1000_per_year: f64,
}

/// The link workers: time, caseload, support, costs (`[link_workers]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkWorkers {
    /// Link-worker time per practice; a network employs round(total) workers (at least one). Unit: full-time equivalents.
    pub fte_per_practice: f64,
    /// Working hours of one full-time link worker. Unit: hours per week.
    pub hours_per_fte: f64,
    /// Most active cases per full-time link worker (the caseload lever). Unit: active cases per FTE.
    pub caseload_cap: u32,
    /// Supervision and peer support (Chng's fourth lever): relieves burnout and leaving. Unit: share 0..1.
    pub support: f64,
    /// Programme support (supervision, peer support) stops after this month (for example 24: pilot money ending); support is then 0 and costs nothing. Unit: month.
    pub support_until_month: u32,
    /// Weeks a post stays vacant after a link worker leaves. Unit: weeks.
    pub recruitment_delay_weeks: u32,
    /// Share of patients given holistic support rather than signposting. Unit: share 0..1.
    pub holistic_share: f64,
    /// How far the practice, rather than a network or employer outside it, directs its link worker (1 = wholly the practice). Enters only the cognitive participation the practice can sustain, scaled by 0.5 + 0.5 * this; who directs the worker's time and referrals is not modelled further. Unit: share 0..1.
    pub practice_directed: f64,
    /// Salary cost of one full-time link worker. Unit: GBP per FTE per year.
    pub annual_cost: f64,
    /// Programme support cost; scaled by link_workers.support. Unit: GBP per worker per year at support 1.
    pub support_cost_per_year: f64,
    /// Link-worker time per patient contact, including notes. Unit: hours.
    pub hours_per_contact: f64,
    /// Follow-up time each active case takes every week (calls, advocacy, notes), before contacts. Unit: hours per active case per week.
    pub hours_per_case_per_week: f64,
    /// Extra time per contact for a new worker; fades with experience. Unit: fraction of contact time.
    pub novice_slowdown: f64,
    /// Time constant over which a new worker's slowdown fades. Unit: weeks.
    pub experience_weeks: f64,
    /// Organisations a new link worker starts with a tie to. Unit: organisations.
    pub initial_known_orgs: u32,
    /// Networking time per visit to a community organisation. Unit: hours.
    pub hours_per_visit: f64,
    /// Share of spare hours spent on development and networking when the practice does not engage at all. Unit: share 0..1.
    pub outreach_floor: f64,
    /// Base weekly chance of leaving; rises with burnout, falls with support. Unit: per week.
    pub leave_hazard_per_week: f64,
    /// How fast burnout moves towards the week's stress. Unit: per week.
    pub burnout_rate_per_week: f64,
}

/// Referred patients: engagement, contacts, needs, wellbeing (`[patients]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Patients {
    /// Chance a referred patient attends the first session, before penalties. Unit: share 0..1.
    pub engage_prob: f64,
    /// Engagement lost per unit of practice deprivation. Unit: share 0..1.
    pub deprivation_engage_penalty: f64,
    /// Engagement lost per week waited (multiplicative). Unit: share 0..1.
    pub wait_engage_decay_per_week: f64,
    /// Weekly chance a waiting patient gives up (never engaged). Unit: share 0..1.
    pub give_up_per_week: f64,
    /// Mean contacts a holistic case needs (1 + Poisson); signposting is one contact. Completed cases average fewer (dropout takes the longer ones): Dundee 2015's 3.1 per completed case and Mercer 2019's 45% with 3 or more are its targets. Unit: contacts.
    pub sessions_mean: f64,
    /// Weeks between a holistic patient's contacts. Unit: weeks.
    pub contact_interval_weeks: u32,
    /// Chance a patient attends a week's contact. Unit: share 0..1.
    pub attend_prob: f64,
    /// Weekly chance an active patient drops out. Unit: share 0..1.
    pub dropout_per_week: f64,
    /// Chance a patient takes up an onward referral (holistic support, strong tie). Unit: share 0..1.
    pub uptake_prob: f64,
    /// How much a signposted patient's low confidence lowers uptake. Unit: share 0..1.
    pub signpost_confidence_weight: f64,
    /// Uptake lost per week waiting for an organisation's place. Unit: share 0..1.
    pub org_wait_uptake_decay_per_week: f64,
    /// Chance a patient has a second need. Unit: share 0..1.
    pub second_need_prob: f64,
    /// Weight of mental health among needs. Unit: relative weight.
    pub need_mental_health: f64,
    /// Weight of social isolation among needs. Unit: relative weight.
    pub need_isolation: f64,
    /// Weight of welfare, debt and benefits advice. Unit: relative weight.
    pub need_welfare: f64,
    /// Weight of housing. Unit: relative weight.
    pub need_housing: f64,
    /// Weight of physical activity. Unit: relative weight.
    pub need_physical_activity: f64,
    /// Weight of other needs. Unit: relative weight.
    pub need_other: f64,
    /// Wellbeing change of a patient connected to an organisation meeting the need. Unit: wellbeing points (0-100 scale).
    pub wellbeing_gain_connected: f64,
    /// Wellbeing change per link-worker contact. Unit: wellbeing points per contact.
    pub wellbeing_gain_per_contact: f64,
    /// Wellbeing change of a patient referred onward whose need went unmet (no place, or waited too long), on top of contacts. Unit: wellbeing points (0-100 scale).
    pub wellbeing_change_unmet: f64,
}

/// Community organisations: funding, places, grants, ties (`[community]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Community {
    /// Community organisations serving each network. Unit: organisations.
    pub orgs_per_network: u32,
    /// Share of organisations serving a second need. Unit: share 0..1.
    pub second_need_share: f64,
    /// Median baseline annual funding of an organisation (log-normal). Unit: GBP per year.
    pub funding_mean: f64,
    /// Spread of baseline funding between organisations. Unit: log-normal sigma.
    pub funding_spread: f64,
    /// Funding needed per place; capacity = funding / cost. Unit: GBP per place per year.
    pub cost_per_place: f64,
    /// Share of places taken by people not referred by the programme (see rationing_proportional). Unit: share 0..1.
    pub other_demand_share: f64,
    /// How scarce places are rationed: 1 = people not referred by the programme keep their share (other_demand_share) of this year's places; 0 = they keep their baseline number of places first and the programme gets what is left; between, a mix. Unit: share 0..1.
    pub rationing_proportional: f64,
    /// How long a connected patient holds a place. Unit: weeks.
    pub attend_weeks: u32,
    /// A referral still waiting for a place after this long fails (unmet need). Unit: weeks.
    pub max_wait_weeks: u32,
    /// An organisation whose funding falls below this closes. Unit: GBP per year.
    pub viability_funding: f64,
    /// An organisation stops accepting referrals when its waiting list exceeds this many per free place (at least one). Unit: waiting per place.
    pub refuse_waiting_ratio: f64,
    /// Yearly chance an organisation loses a grant. Unit: share 0..1.
    pub grant_loss_prob: f64,
    /// Share of funding a lost grant takes. Unit: share 0..1.
    pub grant_loss_share: f64,
    /// Yearly chance an organisation wins a grant. Unit: share 0..1.
    pub grant_win_prob: f64,
    /// Funding a won grant adds, as a share. Unit: share of funding.
    pub grant_win_share: f64,
    /// Tie strength when a link worker first meets an organisation. Unit: share 0..1.
    pub tie_initial: f64,
    /// Tie gained per networking visit (towards 1). Unit: share 0..1.
    pub tie_gain_visit: f64,
    /// Tie gained after a successful referral (towards 1). Unit: share 0..1.
    pub tie_gain_success: f64,
    /// Tie lost after a failed referral (share of the tie). Unit: share 0..1.
    pub tie_loss_failure: f64,
    /// Weekly decay of every tie. Unit: share 0..1.
    pub tie_decay_per_week: f64,
}

/// Funding levers: community budget, cuts, payment per referral, development fund (`[funding]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Funding {
    /// Multiplier on baseline community-organisation funding. Unit: multiplier.
    pub community_budget: f64,
    /// Fraction of funding cut at each financial year, compounding. Unit: share 0..1.
    pub annual_cut: f64,
    /// The first programme year whose start brings an annual cut (year 1 is weeks 1-52): 3 = cuts from year 3. Unit: programme year.
    pub cut_first_year: u32,
    /// The last programme year whose start brings a cut; funding then stays at its reduced level. Unit: programme year.
    pub cut_last_year: u32,
    /// Paid to an organisation for each referral it accepts, added at the next financial year. Unit: GBP per accepted referral.
    pub per_referral: f64,
    /// Programme money for practice development: scales how much development time achieves. Unit: share 0..1.
    pub practice_development: f64,
    /// The practice development fund stops after this month (for example 24: pilot money ending at two years); development time then achieves only development_floor, and the fund costs nothing. Unit: month.
    pub practice_development_until_month: u32,
    /// Cost of the practice development fund. Unit: GBP per practice per year at 1.
    pub practice_development_cost_per_year: f64,
}

/// Constants of the implementation submodel (Normalisation Process Theory constructs and stages;
/// `[implementation]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Implementation {
    /// Coherence of a practice at the start of a programme. Unit: share 0..1.
    pub initial_coherence: f64,
    /// Cognitive participation at the start. Unit: share 0..1.
    pub initial_participation: f64,
    /// Collective action at the start. Unit: share 0..1.
    pub initial_action: f64,
    /// Weekly rate at which coherence moves towards the level the practice's drivers sustain (the speed, not the level). Unit: share 0..1.
    pub rate_coherence: f64,
    /// Weekly rate at which cognitive participation moves towards its sustained level (times 0.5 + 0.5 * coherence). Unit: share 0..1.
    pub rate_participation: f64,
    /// Weekly rate at which collective action moves towards its sustained level (times 0.5 + 0.5 * participation). Unit: share 0..1.
    pub rate_action: f64,
    /// Weekly rate at which reflexive monitoring tracks the effect seen. Unit: share 0..1.
    pub rate_monitoring: f64,
    /// Weekly decay of coherence, participation and action (staff turnover, forgetting). Unit: share 0..1.
    pub decay_per_week: f64,
    /// Extra weekly decay while the practice has no link worker. Unit: share 0..1.
    pub vacancy_decay_per_week: f64,
    /// Weekly rate at which GP buy-in moves towards the effect the practice sees. Unit: share 0..1.
    pub buy_in_rate: f64,
    /// Development time that counts as full development input. Unit: hours per practice per week.
    pub development_hours_full: f64,
    /// What development time achieves with no development fund (share of full). Unit: share 0..1.
    pub development_floor: f64,
    /// Attention lost per active competing innovation: attention = 1 / (1 + burden * n). Unit: per innovation.
    pub innovation_burden: f64,
    /// Attention lost by a training practice. Unit: share 0..1.
    pub training_burden: f64,
    /// Connections the practice must see to perceive the full effect. Unit: connections per 1,000 registered patients per year.
    pub effect_connections_per_1000_per_year: f64,
    /// Integration index at which a practice is fitting in. Unit: share 0..1.
    pub fitting_in_threshold: f64,
    /// Integration index a practice must hold to belong (Tierney et al. 2025's continuum; fully integrated, Chng). Unit: share 0..1.
    pub belonging_threshold: f64,
    /// Weeks the index must stay above the belonging threshold. Unit: weeks.
    pub belonging_hold_weeks: u32,
    /// Reflexive monitoring (the effect the practice sees, 0..1) a practice needs, besides the index, to belong. Unit: share 0..1.
    pub belonging_effect: f64,
    /// Time constant over which a link worker forges an identity in the practice: identity = 1 - exp(-weeks in post / this); a new worker starts again. Unit: weeks.
    pub identity_weeks: f64,
}

impl Default for RawScenario {
    fn default() -> Self {
        RawScenario {
            name: "unnamed".into(),
            description: String::new(),
            extends: None,
            simulation: Simulation::default(),
            practices: Practices::default(),
            link_workers: LinkWorkers::default(),
            patients: Patients::default(),
            community: Community::default(),
            funding: Funding::default(),
            implementation: Implementation::default(),
            output: Output::default(),
            explicit: Vec::new(),
        }
    }
}

// The defaults below are the Deep End baseline. Each value's provenance is in `params::SPECS`
// and docs/SCENARIOS.md; keep the two in step (a test checks that every key has a spec).

impl Default for Simulation {
    fn default() -> Self {
        Simulation {
            weeks: 104,
            replicates: 100,
            seed: 2014,
            uncertainty: uncertain::Uncertainty::Chance,
        }
    }
}

impl Default for Practices {
    fn default() -> Self {
        Practices {
            count: 7,
            per_network: 1,
            list_size_min: 2164,
            list_size_max: 5976,
            deprivation_min: 0.44,
            deprivation_max: 0.88,
            training_share: 4.0 / 7.0,
            gp_buy_in: Driver { mean: 0.5, sd: 0.2 },
            collaborative_leadership: Driver { mean: 0.5, sd: 0.2 },
            team_dynamics: Driver { mean: 0.5, sd: 0.2 },
            competing_innovations_per_year: 0.5,
            innovation_weeks: 26,
            referrals_per_1000_per_year: 70.0,
        }
    }
}

impl Default for LinkWorkers {
    fn default() -> Self {
        LinkWorkers {
            fte_per_practice: 1.0,
            hours_per_fte: 37.5,
            caseload_cap: 20,
            support: 0.7,
            support_until_month: 1200,
            recruitment_delay_weeks: 12,
            holistic_share: 1.0,
            practice_directed: 1.0,
            annual_cost: 36428.0,
            support_cost_per_year: 5000.0,
            hours_per_contact: 1.0,
            hours_per_case_per_week: 0.5,
            novice_slowdown: 0.5,
            experience_weeks: 26.0,
            initial_known_orgs: 3,
            hours_per_visit: 2.0,
            outreach_floor: 0.3,
            leave_hazard_per_week: 0.0015,
            burnout_rate_per_week: 0.05,
        }
    }
}

impl Default for Patients {
    fn default() -> Self {
        Patients {
            engage_prob: 0.804,
            deprivation_engage_penalty: 0.1,
            wait_engage_decay_per_week: 0.02,
            give_up_per_week: 0.02,
            sessions_mean: 3.69,
            contact_interval_weeks: 2,
            attend_prob: 0.85,
            dropout_per_week: 0.0462,
            uptake_prob: 0.85,
            signpost_confidence_weight: 0.5,
            org_wait_uptake_decay_per_week: 0.03,
            second_need_prob: 0.4,
            need_mental_health: 0.35,
            need_isolation: 0.25,
            need_welfare: 0.15,
            need_housing: 0.08,
            need_physical_activity: 0.10,
            need_other: 0.07,
            wellbeing_gain_connected: 6.0,
            wellbeing_gain_per_contact: 0.5,
            wellbeing_change_unmet: -2.0,
        }
    }
}

impl Default for Community {
    fn default() -> Self {
        Community {
            orgs_per_network: 6,
            second_need_share: 0.3,
            funding_mean: 60000.0,
            funding_spread: 0.5,
            cost_per_place: 2000.0,
            other_demand_share: 0.9,
            rationing_proportional: 1.0,
            attend_weeks: 12,
            max_wait_weeks: 26,
            viability_funding: 20000.0,
            refuse_waiting_ratio: 1.0,
            grant_loss_prob: 0.1,
            grant_loss_share: 0.3,
            grant_win_prob: 0.1,
            grant_win_share: 0.2,
            tie_initial: 0.2,
            tie_gain_visit: 0.1,
            tie_gain_success: 0.05,
            tie_loss_failure: 0.1,
            tie_decay_per_week: 0.005,
        }
    }
}

impl Default for Funding {
    fn default() -> Self {
        Funding {
            community_budget: 1.0,
            annual_cut: 0.0,
            cut_first_year: 2,
            cut_last_year: 100,
            per_referral: 0.0,
            practice_development: 1.0,
            practice_development_until_month: 1200,
            practice_development_cost_per_year: 10000.0,
        }
    }
}

impl Default for Implementation {
    fn default() -> Self {
        Implementation {
            initial_coherence: 0.2,
            initial_participation: 0.15,
            initial_action: 0.05,
            rate_coherence: 0.0909,
            rate_participation: 0.0558,
            rate_action: 0.0963,
            rate_monitoring: 0.05,
            decay_per_week: 0.002,
            vacancy_decay_per_week: 0.02,
            buy_in_rate: 0.01,
            development_hours_full: 4.0,
            development_floor: 0.5,
            innovation_burden: 0.5,
            training_burden: 0.2,
            effect_connections_per_1000_per_year: 20.0,
            fitting_in_threshold: 0.35,
            belonging_threshold: 0.486,
            belonging_hold_weeks: 8,
            belonging_effect: 0.25,
            identity_weeks: 26.0,
        }
    }
}

impl RawScenario {
    /// Check every value against its range and the rules that tie keys together
    /// ([`params::check`]), then, when those hold, what a `full` run's draws could break
    /// ([`uncertain::check`]); a scenario with no problem becomes a [`Scenario`].
    ///
    /// # Errors
    /// Every problem found, as (dotted key, what was expected): the range problems in
    /// [`params::SPECS`] order, then the rules between keys; the `full` problems only when there
    /// are none of those.
    pub fn check(self) -> Result<Scenario, Problems> {
        let mut problems = params::check(&self);
        if problems.is_empty() {
            problems = uncertain::check(&self);
        }
        if problems.is_empty() {
            Ok(Scenario(self))
        } else {
            Err(problems)
        }
    }

    /// [`RawScenario::check`], reporting only the first problem (what a comparison, a sweep, a
    /// seek or a dose-response curve names).
    ///
    /// # Errors
    /// The first problem, as (dotted key, what was expected).
    pub fn check_first(self) -> Result<Scenario, (String, String)> {
        self.check()
            .map_err(|problems| problems.into_iter().next().expect("a refused scenario has a problem"))
    }

    /// The scenario as TOML, every key written out: `scenario.resolved.toml`. Under
    /// `simulation.uncertainty = "full"` each key the replicates draw is commented out (its line
    /// starts `# drawn: `), so that running the file again draws it again.
    pub fn to_toml(&self) -> String {
        let text = toml::to_string(self).expect("a Scenario always serialises to TOML");
        let drawn = uncertain::drawn_keys(self);
        if drawn.is_empty() {
            return text;
        }
        let mut table = String::new();
        let mut out = String::with_capacity(text.len() + 10 * drawn.len());
        // Inside a multi-line string (a description), a line is text, never a key or a table.
        let mut in_string = false;
        for line in text.lines() {
            let was_in_string = in_string;
            if (line.matches("\"\"\"").count() + line.matches("'''").count()) % 2 == 1 {
                in_string = !in_string;
            }
            if was_in_string {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                table = name.to_string();
            }
            let key = line.split_once(" = ").map(|(k, _)| k.trim());
            let dotted = key.map(|k| {
                if table.is_empty() {
                    k.to_string()
                } else {
                    format!("{table}.{k}")
                }
            });
            if dotted.is_some_and(|d| drawn.contains(&d.as_str())) {
                out.push_str("# drawn: ");
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// Number of networks (primary care networks, or single practices when `per_network` is 1).
    pub fn networks(&self) -> u32 {
        self.practices.count.div_ceil(self.practices.per_network.max(1))
    }
}

/// A checked scenario: a [`RawScenario`] every value of which is in its range and every rule
/// between keys of which holds. Only [`RawScenario::check`] makes one (and, within this module,
/// the defaults and [`uncertain::draw`]); it reads as its raw scenario through `Deref`, and is
/// written out (serialised) as it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Scenario(RawScenario);

impl std::ops::Deref for Scenario {
    type Target = RawScenario;

    fn deref(&self) -> &RawScenario {
        &self.0
    }
}

impl Default for Scenario {
    /// The Deep End baseline, checked (a test checks that the defaults pass).
    fn default() -> Self {
        RawScenario::default()
            .check()
            .expect("the defaults pass their own checks")
    }
}

impl Scenario {
    /// The raw scenario, to change and check again.
    pub fn into_raw(self) -> RawScenario {
        self.0
    }

    /// A copy of this scenario changed by `change`, checked again.
    ///
    /// # Errors
    /// The first problem of the changed copy (see [`RawScenario::check_first`]).
    pub fn edit(&self, change: impl FnOnce(&mut RawScenario)) -> Result<Scenario, (String, String)> {
        let mut raw = self.0.clone();
        change(&mut raw);
        raw.check_first()
    }

    /// A copy with the run's settings replaced: the base seed, the number of replicates and how
    /// many of them keep weekly detail ([`params::RUN_KEYS`]: `simulation.seed`,
    /// `simulation.replicates`, `output.detail_replicates`), each checked against its range in
    /// [`params::SPECS`], and nothing else checked again. These decide which replicates run and
    /// what is kept, never a world's rules, so nothing the model sees changes; the size limits
    /// of [`params::check`], which bound what `lwsim run` keeps and writes, are not checked: the
    /// callers (a sweep's points, `lwsim seek`, calibration's refinement, the explorer) stream
    /// their replicates.
    ///
    /// # Errors
    /// The first of the three values outside its range, as (dotted key, what was expected).
    pub fn with_run(&self, seed: u64, replicates: u32, detail_replicates: u32) -> Result<Scenario, (String, String)> {
        let mut raw = self.0.clone();
        raw.simulation.seed = seed;
        raw.simulation.replicates = replicates;
        raw.output.detail_replicates = detail_replicates;
        let run = params::RUN_KEYS.iter().filter_map(|k| params::spec(k));
        match params::out_of_range(&raw, run).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(Scenario(raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::params::{Kind, SPECS};

    /// Each field's doc comment is its key's meaning and unit from [`SPECS`], word for word, so
    /// the two cannot drift apart (the three drivers' `mean` and `sd` are documented on
    /// [`super::Driver`]).
    #[test]
    fn every_field_says_what_its_spec_says() {
        let source = include_str!("mod.rs");
        for s in SPECS.iter().filter(|s| s.key.matches('.').count() < 2) {
            let unit = match s.kind {
                Kind::Text => String::new(),
                _ if s.unit == "-" => String::new(),
                _ => format!(" Unit: {}.", s.unit),
            };
            let field = s.key.rsplit('.').next().expect("a key");
            let expected = format!("    /// {}{unit}\n    pub {field}: ", s.doc);
            assert!(
                source.contains(&expected),
                "{}: expected the doc comment\n{expected}",
                s.key
            );
        }
    }

    #[test]
    fn only_a_valid_scenario_is_checked_and_an_edit_is_checked_again() {
        let mut raw = super::RawScenario::default();
        raw.practices.list_size_min = 6000;
        let problems = raw.clone().check().expect_err("min above max");
        assert_eq!(problems[0].0, "practices.list_size_max");
        raw.practices.list_size_max = 6000;
        let checked = raw.check().expect("valid");
        let (key, _) = checked
            .edit(|s| s.patients.engage_prob = 2.0)
            .expect_err("out of range");
        assert_eq!(key, "patients.engage_prob");
        let run = checked.with_run(7, 3, 0).expect("in range");
        assert_eq!(
            (
                run.simulation.seed,
                run.simulation.replicates,
                run.output.detail_replicates
            ),
            (7, 3, 0)
        );
        assert_eq!(run.into_raw().practices, checked.practices);
        // The run's settings are held to their ranges, exactly (2^63 is no seed).
        let refused = |seed, replicates, detail| checked.with_run(seed, replicates, detail).expect_err("out of range");
        assert_eq!(
            refused(1 << 63, 3, 0),
            (
                "simulation.seed".to_string(),
                "expected a value in [0, 9223372036854775807], found 9223372036854775808".to_string()
            )
        );
        assert!(checked.with_run(i64::MAX as u64, 1, 0).is_ok());
        assert_eq!(refused(7, 0, 0).0, "simulation.replicates");
        assert_eq!(
            refused(7, 3, 1_000_001).1,
            "expected a value in [0, 1000000] (replicates), found 1000001"
        );
    }
}

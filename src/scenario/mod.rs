//! Scenarios: the typed parameters of one simulation, their defaults, and how they are read.
//!
//! A scenario file is TOML. Every key has a default (so `name = "x"` alone is a valid scenario),
//! a unit, a range and a provenance, all listed once in [`params::SPECS`]; `docs/SCENARIOS.md`
//! is generated from that table (`lwsim keys`). Reading a file ([`load`]) checks syntax, unknown
//! keys, types and ranges and reports the file, line, column and dotted key of anything wrong.
//! The model never sees an unchecked scenario.

pub mod load;
pub mod params;
pub mod uncertain;

use serde::{Deserialize, Serialize};

/// A driver drawn per practice: `clamp(mean + sd * z, 0, 1)` with `z` standard normal.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Driver {
    pub mean: f64,
    pub sd: f64,
}

impl Default for Driver {
    fn default() -> Self {
        Driver { mean: 0.5, sd: 0.2 }
    }
}

/// One whole scenario, after defaults, `extends` and `--set` have been applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    #[serde(skip_serializing)]
    pub extends: Option<String>,
    pub simulation: Simulation,
    pub practices: Practices,
    pub link_workers: LinkWorkers,
    pub patients: Patients,
    pub community: Community,
    pub funding: Funding,
    pub implementation: Implementation,
    pub output: Output,
    /// The dotted keys the scenario file, the files it extends, or `--set` set explicitly, sorted (not serialised; empty for a scenario built in code). Under
    /// `simulation.uncertainty = "full"` these keys are held at their values, not drawn.
    #[serde(skip)]
    pub explicit: Vec<String>,
}

/// What is written, beyond the statistics of every replicate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Output {
    /// weekly.csv and practices.csv hold the first this-many replicates.
    pub detail_replicates: u32,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            detail_replicates: 1000,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Simulation {
    pub weeks: u32,
    pub replicates: u32,
    pub seed: u64,
    /// `chance` or `full`: whether each replicate also draws the uncertain constants
    /// ([`uncertain`]).
    pub uncertainty: uncertain::Uncertainty,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Practices {
    pub count: u32,
    pub per_network: u32,
    pub list_size_min: u32,
    pub list_size_max: u32,
    pub deprivation_min: f64,
    pub deprivation_max: f64,
    pub training_share: f64,
    pub gp_buy_in: Driver,
    pub collaborative_leadership: Driver,
    pub team_dynamics: Driver,
    pub competing_innovations_per_year: f64,
    pub innovation_weeks: u32,
    pub referrals_per_1000_per_year: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkWorkers {
    pub fte_per_practice: f64,
    pub hours_per_fte: f64,
    pub caseload_cap: u32,
    pub support: f64,
    pub support_until_month: u32,
    pub recruitment_delay_weeks: u32,
    pub holistic_share: f64,
    pub practice_directed: f64,
    pub annual_cost: f64,
    pub support_cost_per_year: f64,
    pub hours_per_contact: f64,
    pub hours_per_case_per_week: f64,
    pub novice_slowdown: f64,
    pub experience_weeks: f64,
    pub initial_known_orgs: u32,
    pub hours_per_visit: f64,
    pub outreach_floor: f64,
    pub leave_hazard_per_week: f64,
    pub burnout_rate_per_week: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Patients {
    pub engage_prob: f64,
    pub deprivation_engage_penalty: f64,
    pub wait_engage_decay_per_week: f64,
    pub give_up_per_week: f64,
    pub sessions_mean: f64,
    pub contact_interval_weeks: u32,
    pub attend_prob: f64,
    pub dropout_per_week: f64,
    pub uptake_prob: f64,
    pub signpost_confidence_weight: f64,
    pub org_wait_uptake_decay_per_week: f64,
    pub second_need_prob: f64,
    pub need_mental_health: f64,
    pub need_isolation: f64,
    pub need_welfare: f64,
    pub need_housing: f64,
    pub need_physical_activity: f64,
    pub need_other: f64,
    pub wellbeing_gain_connected: f64,
    pub wellbeing_gain_per_contact: f64,
    pub wellbeing_change_unmet: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Community {
    pub orgs_per_network: u32,
    pub second_need_share: f64,
    pub funding_mean: f64,
    pub funding_spread: f64,
    pub cost_per_place: f64,
    pub other_demand_share: f64,
    pub rationing_proportional: f64,
    pub attend_weeks: u32,
    pub max_wait_weeks: u32,
    pub viability_funding: f64,
    pub refuse_waiting_ratio: f64,
    pub grant_loss_prob: f64,
    pub grant_loss_share: f64,
    pub grant_win_prob: f64,
    pub grant_win_share: f64,
    pub tie_initial: f64,
    pub tie_gain_visit: f64,
    pub tie_gain_success: f64,
    pub tie_loss_failure: f64,
    pub tie_decay_per_week: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Funding {
    pub community_budget: f64,
    pub annual_cut: f64,
    pub cut_first_year: u32,
    pub cut_last_year: u32,
    pub per_referral: f64,
    pub practice_development: f64,
    pub practice_development_until_month: u32,
    pub practice_development_cost_per_year: f64,
}

/// Constants of the implementation submodel (Normalisation Process Theory constructs and stages).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Implementation {
    pub initial_coherence: f64,
    pub initial_participation: f64,
    pub initial_action: f64,
    pub rate_coherence: f64,
    pub rate_participation: f64,
    pub rate_action: f64,
    pub rate_monitoring: f64,
    pub decay_per_week: f64,
    pub vacancy_decay_per_week: f64,
    pub buy_in_rate: f64,
    pub development_hours_full: f64,
    pub development_floor: f64,
    pub innovation_burden: f64,
    pub training_burden: f64,
    pub effect_connections_per_1000_per_year: f64,
    pub fitting_in_threshold: f64,
    pub belonging_threshold: f64,
    pub belonging_hold_weeks: u32,
    pub belonging_effect: f64,
    pub identity_weeks: f64,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
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

impl Scenario {
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

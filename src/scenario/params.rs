//! The one table of scenario keys: unit, range, provenance and meaning of each, and where its
//! value lives in a [`RawScenario`].
//!
//! Validation ([`check`]), setting keys by name ([`Spec::write`]: a sweep's points, seek's and
//! dose-response's lever values, `full`'s draws) and the key reference (`docs/SCENARIOS.md`,
//! printed by `lwsim keys`, written by [`super::reference`]) all read this table, so the
//! documented range is the enforced range. Each row names its key by the path of its field
//! (`key!(practices.count)`), from which the dotted name, the kind and the field's reader and
//! writer all follow: there is no second list of keys to drift. A test checks that every key of
//! [`RawScenario`] has exactly one entry here, and that each entry reads and writes the value
//! serde names that key.

use super::RawScenario;

/// What kind of value a key takes (the field's type: serde enforces it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (`u32`, or `u64` for the seed).
    Int,
    /// A real number (`f64`).
    Real,
    /// Text (a string, or the uncertainty mode's name).
    Text,
}

/// A numeric key's value, as its field holds it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// A whole number, exactly (a seed may be beyond what a double holds exactly).
    Whole(u64),
    /// A real number.
    Real(f64),
}

/// One scenario key.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// The dotted key, as written in a scenario file or `--set` (`practices.count`).
    pub key: &'static str,
    /// What kind of value it takes.
    pub kind: Kind,
    /// Smallest value allowed, in `unit` (0 for text).
    pub min: f64,
    /// Largest value allowed, in `unit` (0 for text).
    pub max: f64,
    /// The unit, in words ("weeks", "share 0..1", "GBP per year").
    pub unit: &'static str,
    /// Where the default comes from: a source, "assumed", or "calibrated to ...".
    pub source: &'static str,
    /// What the key means, in a sentence or two (docs/SCENARIOS.md's "meaning").
    pub doc: &'static str,
    /// The key's field: its value, `None` for text.
    read: fn(&RawScenario) -> Option<Number>,
    /// Sets the key's field from a TOML value, converted as serde converts a file's value.
    write: fn(&mut RawScenario, toml::Value) -> Result<(), toml::de::Error>,
}

impl Spec {
    /// The key's value in `scenario`: `None` for a key that takes text.
    pub fn value(&self, scenario: &RawScenario) -> Option<Number> {
        (self.read)(scenario)
    }

    /// Set the key in `scenario` to `value`, converted to the field's type as a value in a
    /// scenario file is (an integer for a real key is taken as a real), and not checked against
    /// the range.
    ///
    /// # Errors
    /// serde's error when `value` is not of the key's type (a decimal number for a whole-number
    /// key, a negative or too large integer, a number for text).
    pub fn write(&self, scenario: &mut RawScenario, value: toml::Value) -> Result<(), toml::de::Error> {
        (self.write)(scenario, value)
    }

    /// What is wrong with `value` as this key's value: not finite, or outside `[min, max]`, as
    /// "expected ..., found ..."; `None` when it is in range. A whole number is compared
    /// exactly.
    pub fn problem(&self, value: Number) -> Option<String> {
        let (inside, found) = match value {
            Number::Real(x) if !x.is_finite() => return Some(format!("expected a finite number, found {x}")),
            Number::Real(x) => (self.min <= x && x <= self.max, fmt_num(x)),
            Number::Whole(n) => (whole(self.min) <= n && n <= whole(self.max), n.to_string()),
        };
        // The seed's unit is "-": none to name.
        let unit = match self.unit {
            "-" => String::new(),
            unit => format!(" ({unit})"),
        };
        (!inside).then(|| {
            format!(
                "expected a value in [{}, {}]{unit}, found {found}",
                fmt_num(self.min),
                fmt_num(self.max)
            )
        })
    }
}

/// A whole-number key's bound as the whole number it stands for. The seed's largest value,
/// 2^63 - 1, is no double: its bound is the nearest one, 2^63, which the cast (saturating at
/// `i64::MAX`) reads back as 2^63 - 1, as [`fmt_num`] prints it.
fn whole(bound: f64) -> u64 {
    bound as i64 as u64
}

/// The type of a scenario key's field: what kind of key it makes, and how validation reads it.
/// (`uncertain::Uncertainty` implements it where it is declared.)
pub(super) trait FieldType: serde::de::DeserializeOwned {
    /// The kind of key a field of this type makes.
    const KIND: Kind;
    /// The value, `None` for text.
    fn number(&self) -> Option<Number>;
}

impl FieldType for u32 {
    const KIND: Kind = Kind::Int;
    fn number(&self) -> Option<Number> {
        Some(Number::Whole(u64::from(*self)))
    }
}

impl FieldType for u64 {
    const KIND: Kind = Kind::Int;
    fn number(&self) -> Option<Number> {
        Some(Number::Whole(*self))
    }
}

impl FieldType for f64 {
    const KIND: Kind = Kind::Real;
    fn number(&self) -> Option<Number> {
        Some(Number::Real(*self))
    }
}

impl FieldType for String {
    const KIND: Kind = Kind::Text;
    fn number(&self) -> Option<Number> {
        None
    }
}

/// What a key's field decides of its [`Spec`]: the dotted name, the kind, the reader and the
/// writer. Made by `key!` only.
struct Field {
    key: &'static str,
    kind: Kind,
    read: fn(&RawScenario) -> Option<Number>,
    write: fn(&mut RawScenario, toml::Value) -> Result<(), toml::de::Error>,
}

/// The kind of key a field makes, from its type (`_field` only names the type).
const fn kind_of<T: FieldType>(_field: fn(&RawScenario) -> &T) -> Kind {
    T::KIND
}

/// Set a field from a TOML value, converted by serde.
fn assign<T: FieldType>(field: &mut T, value: toml::Value) -> Result<(), toml::de::Error> {
    *field = T::deserialize(value)?;
    Ok(())
}

/// The [`Field`] at a path in a [`RawScenario`] (`key!(practices.gp_buy_in.mean)`): the path,
/// dotted, is the key.
macro_rules! key {
    ($first:ident $(. $rest:ident)*) => {
        Field {
            key: concat!(stringify!($first) $(, ".", stringify!($rest))*),
            kind: kind_of(|s: &RawScenario| &s.$first $(.$rest)*),
            read: |s| FieldType::number(&s.$first $(.$rest)*),
            write: |s, value| assign(&mut s.$first $(.$rest)*, value),
        }
    };
}

/// The one constructor of a [`Spec`]: its field's parts and the rest.
const fn entry(field: Field, min: f64, max: f64, unit: &'static str, source: &'static str, doc: &'static str) -> Spec {
    Spec {
        key: field.key,
        kind: field.kind,
        min,
        max,
        unit,
        source,
        doc,
        read: field.read,
        write: field.write,
    }
}

/// A key of a number between `min` and `max` (a whole number for a whole-number field).
const fn num(field: Field, min: f64, max: f64, unit: &'static str, source: &'static str, doc: &'static str) -> Spec {
    assert!(
        !matches!(field.kind, Kind::Text),
        "a key that takes text has no range: text"
    );
    entry(field, min, max, unit, source, doc)
}

/// A key of a share, 0 to 1.
const fn share(field: Field, source: &'static str, doc: &'static str) -> Spec {
    num(field, 0.0, 1.0, "share 0..1", source, doc)
}

/// A key that takes text: no range, no provenance.
const fn text(field: Field, doc: &'static str) -> Spec {
    assert!(
        matches!(field.kind, Kind::Text),
        "a key that takes a number has a range: num"
    );
    entry(field, 0.0, 0.0, "text", "-", doc)
}

const ASSUMED: &str = "assumed";
const CALIBRATED: &str = "calibrated to: Deep End integration at 24 months (Chng 2021), contacts (Mercer 2019) and the Dundee 2015 funnel, by `lwsim calibrate calibration/deep-end.toml`";
const UNMEASURED: &str = "assumed: the Deep End practices' levels are unmeasured; the lever's direction is Chng 2021's";
const MONEY: f64 = 1e9;

/// Every scenario key, in the order docs/SCENARIOS.md lists them.
#[rustfmt::skip]
pub const SPECS: &[Spec] = &[
    text(key!(name), "Scenario name; names the output directory `output/<name>/`. Letters, digits, `-`, `_`, `.` only."),
    text(key!(description), "One or two sentences saying what the scenario asks; shown in reports."),
    num(key!(simulation.weeks), 1.0, 5200.0, "weeks", "MODEL.md: two years", "Length of a run. Months are reported 0..weeks*12/52."),
    num(key!(simulation.replicates), 1.0, 1e6, "runs", ASSUMED, "Independent replicates, each with its own generator."),
    text(key!(simulation.uncertainty), "Which intervals the run reports: \"chance\" (replicates differ by their random draws alone) or \"full\" (each replicate also draws the uncertain constants: see the column drawn). `lwsim run --uncertainty full` sets it."),
    num(key!(simulation.seed), 0.0, i64::MAX as f64, "-", ASSUMED, "Base seed; replicate r's seed is derived from (seed, r) alone (see docs/ODD.md)."),
    num(key!(practices.count), 1.0, 100_000.0, "practices", "Chng et al. 2021: 7 Deep End practices", "Number of GP practices."),
    num(key!(practices.per_network), 1.0, 100.0, "practices", "1 = one link worker per practice (Glasgow); about 5 in an English PCN (NHS Digital)", "Practices per network sharing link workers and community organisations."),
    num(key!(practices.list_size_min), 100.0, 200_000.0, "patients", "ALLIANCE; Mercer et al. 2017: 2,164", "Smallest registered list; list sizes are uniform between min and max."),
    num(key!(practices.list_size_max), 100.0, 200_000.0, "patients", "ALLIANCE; Mercer et al. 2017: 5,976", "Largest registered list."),
    share(key!(practices.deprivation_min), "University of Glasgow Deep End project: 44%", "Lowest share of patients in the most deprived areas; uniform between min and max."),
    share(key!(practices.deprivation_max), "University of Glasgow Deep End project: 88%", "Highest share of patients in the most deprived areas."),
    share(key!(practices.training_share), "Chng et al. 2021: 4 of 7 were training practices", "Share of training practices (a standing competing demand)."),
    share(key!(practices.gp_buy_in.mean), UNMEASURED, "Mean GP buy-in at the start (Chng's first lever)."),
    num(key!(practices.gp_buy_in.sd), 0.0, 1.0, "0..1 units", ASSUMED, "Spread of GP buy-in between practices (normal, clamped to 0..1)."),
    share(key!(practices.collaborative_leadership.mean), UNMEASURED, "Mean collaborative leadership (Chng's second lever)."),
    num(key!(practices.collaborative_leadership.sd), 0.0, 1.0, "0..1 units", ASSUMED, "Spread of collaborative leadership."),
    share(key!(practices.team_dynamics.mean), UNMEASURED, "Mean quality of team dynamics (Chng's third lever)."),
    num(key!(practices.team_dynamics.sd), 0.0, 1.0, "0..1 units", ASSUMED, "Spread of team dynamics."),
    num(key!(practices.competing_innovations_per_year), 0.0, 52.0, "per practice per year", ASSUMED, "Rate at which competing initiatives arrive (Chng's fifth lever, reversed)."),
    num(key!(practices.innovation_weeks), 1.0, 520.0, "weeks", ASSUMED, "How long a competing initiative takes staff attention."),
    num(key!(practices.referrals_per_1000_per_year), 0.0, 1000.0, "referrals per 1,000 registered patients per year", "assumed; gives 100-250 referrals per link worker per year (ALLIANCE 2016; NHS England)", "Referral demand of a fully engaged practice at deprivation 0.5; scaled by (0.5 + deprivation)."),
    num(key!(link_workers.fte_per_practice), 0.01, 10.0, "full-time equivalents", "Glasgow: one full-time link worker per practice (ALLIANCE)", "Link-worker time per practice; a network employs round(total) workers (at least one)."),
    num(key!(link_workers.hours_per_fte), 1.0, 80.0, "hours per week", "NHS Agenda for Change full-time week", "Working hours of one full-time link worker."),
    num(key!(link_workers.caseload_cap), 1.0, 1000.0, "active cases per FTE", ASSUMED, "Most active cases per full-time link worker (the caseload lever)."),
    share(key!(link_workers.support), "assumed; the Deep End programme had management support (Mercer et al. 2017)", "Supervision and peer support (Chng's fourth lever): relieves burnout and leaving."),
    num(key!(link_workers.support_until_month), 0.0, 1200.0, "month", "lever; 1200 = never ends", "Programme support (supervision, peer support) stops after this month (for example 24: pilot money ending); support is then 0 and costs nothing."),
    num(key!(link_workers.recruitment_delay_weeks), 0.0, 520.0, "weeks", ASSUMED, "Weeks a post stays vacant after a link worker leaves."),
    share(key!(link_workers.holistic_share), "Glasgow CLPs worked holistically, no maximum appointments (ALLIANCE 2016)", "Share of patients given holistic support rather than signposting."),
    share(key!(link_workers.practice_directed), "assumed; Tierney et al. 2025, 'centralising or diffusing power': 1 = Glasgow's practice-based practitioners, full members of the practice team (Scottish Government case study)", "How far the practice, rather than a network or employer outside it, directs its link worker (1 = wholly the practice). Enters only the cognitive participation the practice can sustain, scaled by 0.5 + 0.5 * this; who directs the worker's time and referrals is not modelled further."),
    num(key!(link_workers.annual_cost), 0.0, MONEY, "GBP per FTE per year", "ARRS reimbursement cap, Agenda for Change band 5, 2022/23 (Wessex LMCs)", "Salary cost of one full-time link worker."),
    num(key!(link_workers.support_cost_per_year), 0.0, MONEY, "GBP per worker per year at support 1", ASSUMED, "Programme support cost; scaled by link_workers.support."),
    num(key!(link_workers.hours_per_contact), 0.05, 40.0, "hours", "Dundee 2015: 40-50 minute sessions; notes and follow-up assumed", "Link-worker time per patient contact, including notes."),
    num(key!(link_workers.hours_per_case_per_week), 0.0, 40.0, "hours per active case per week", "assumed; Skivington 2018: intensive case management consumes capacity", "Follow-up time each active case takes every week (calls, advocacy, notes), before contacts."),
    num(key!(link_workers.novice_slowdown), 0.0, 5.0, "fraction of contact time", ASSUMED, "Extra time per contact for a new worker; fades with experience."),
    num(key!(link_workers.experience_weeks), 1.0, 520.0, "weeks", ASSUMED, "Time constant over which a new worker's slowdown fades."),
    num(key!(link_workers.initial_known_orgs), 0.0, 1000.0, "organisations", "assumed; a new link worker knows few organisations (MODEL.md)", "Organisations a new link worker starts with a tie to."),
    num(key!(link_workers.hours_per_visit), 0.1, 40.0, "hours", ASSUMED, "Networking time per visit to a community organisation."),
    share(key!(link_workers.outreach_floor), "assumed; Chng 2021: development and networking stopped in partially integrated practices", "Share of spare hours spent on development and networking when the practice does not engage at all."),
    num(key!(link_workers.leave_hazard_per_week), 0.0, 1.0, "per week", "assumed; NALW 2020: 29% considering leaving within a year", "Base weekly chance of leaving; rises with burnout, falls with support."),
    num(key!(link_workers.burnout_rate_per_week), 0.0, 1.0, "per week", ASSUMED, "How fast burnout moves towards the week's stress."),
    share(key!(patients.engage_prob), CALIBRATED, "Chance a referred patient attends the first session, before penalties."),
    share(key!(patients.deprivation_engage_penalty), ASSUMED, "Engagement lost per unit of practice deprivation."),
    share(key!(patients.wait_engage_decay_per_week), ASSUMED, "Engagement lost per week waited (multiplicative)."),
    share(key!(patients.give_up_per_week), ASSUMED, "Weekly chance a waiting patient gives up (never engaged)."),
    num(key!(patients.sessions_mean), 1.0, 100.0, "contacts", CALIBRATED, "Mean contacts a holistic case needs (1 + Poisson); signposting is one contact. Completed cases average fewer (dropout takes the longer ones): Dundee 2015's 3.1 per completed case and Mercer 2019's 45% with 3 or more are its targets."),
    num(key!(patients.contact_interval_weeks), 1.0, 52.0, "weeks", ASSUMED, "Weeks between a holistic patient's contacts."),
    share(key!(patients.attend_prob), ASSUMED, "Chance a patient attends a week's contact."),
    share(key!(patients.dropout_per_week), CALIBRATED, "Weekly chance an active patient drops out."),
    share(key!(patients.uptake_prob), ASSUMED, "Chance a patient takes up an onward referral (holistic support, strong tie)."),
    share(key!(patients.signpost_confidence_weight), "assumed; Frostick & Bertotti 2019: holistic support helps those with barriers", "How much a signposted patient's low confidence lowers uptake."),
    share(key!(patients.org_wait_uptake_decay_per_week), ASSUMED, "Uptake lost per week waiting for an organisation's place."),
    share(key!(patients.second_need_prob), ASSUMED, "Chance a patient has a second need."),
    num(key!(patients.need_mental_health), 0.0, 1.0, "relative weight", "assumed; mental health most common (Bu et al. 2024)", "Weight of mental health among needs."),
    num(key!(patients.need_isolation), 0.0, 1.0, "relative weight", "assumed; loneliness common (Wolverhampton 2019)", "Weight of social isolation among needs."),
    num(key!(patients.need_welfare), 0.0, 1.0, "relative weight", ASSUMED, "Weight of welfare, debt and benefits advice."),
    num(key!(patients.need_housing), 0.0, 1.0, "relative weight", ASSUMED, "Weight of housing."),
    num(key!(patients.need_physical_activity), 0.0, 1.0, "relative weight", ASSUMED, "Weight of physical activity."),
    num(key!(patients.need_other), 0.0, 1.0, "relative weight", ASSUMED, "Weight of other needs."),
    num(key!(patients.wellbeing_gain_connected), -100.0, 100.0, "wellbeing points (0-100 scale)", ASSUMED, "Wellbeing change of a patient connected to an organisation meeting the need."),
    num(key!(patients.wellbeing_gain_per_contact), -100.0, 100.0, "wellbeing points per contact", "assumed; little from link-worker sessions alone (MODEL.md)", "Wellbeing change per link-worker contact."),
    num(key!(patients.wellbeing_change_unmet), -100.0, 100.0, "wellbeing points (0-100 scale)", "assumed; Skivington 2018: without community capacity the programme cannot achieve its potential", "Wellbeing change of a patient referred onward whose need went unmet (no place, or waited too long), on top of contacts."),
    num(key!(community.orgs_per_network), 1.0, 10_000.0, "organisations", ASSUMED, "Community organisations serving each network."),
    share(key!(community.second_need_share), ASSUMED, "Share of organisations serving a second need."),
    num(key!(community.funding_mean), 0.0, MONEY, "GBP per year", ASSUMED, "Median baseline annual funding of an organisation (log-normal)."),
    num(key!(community.funding_spread), 0.0, 5.0, "log-normal sigma", "assumed; Clifford: mid-sized charities hit hardest", "Spread of baseline funding between organisations."),
    num(key!(community.cost_per_place), 1.0, MONEY, "GBP per place per year", ASSUMED, "Funding needed per place; capacity = funding / cost."),
    share(key!(community.other_demand_share), "assumed: organisations near capacity (28% of charities could not meet demand, Managing in the New Normal); at 0.9 the programme's share of places is about 1.7 times what its patients use at baseline", "Share of places taken by people not referred by the programme (see rationing_proportional)."),
    share(key!(community.rationing_proportional), "assumed (the evidence-favoured rule: one queue for all comers keeps each group's share of places; Skivington 2018: austerity limits capacity for everyone); docs/VALIDATION.md shows the answer under 0", "How scarce places are rationed: 1 = people not referred by the programme keep their share (other_demand_share) of this year's places; 0 = they keep their baseline number of places first and the programme gets what is left; between, a mix."),
    num(key!(community.attend_weeks), 1.0, 63.0, "weeks", ASSUMED, "How long a connected patient holds a place."),
    num(key!(community.max_wait_weeks), 1.0, 520.0, "weeks", ASSUMED, "A referral still waiting for a place after this long fails (unmet need)."),
    num(key!(community.viability_funding), 0.0, MONEY, "GBP per year", "assumed; CAF 2012: 17% likely to face closure", "An organisation whose funding falls below this closes."),
    num(key!(community.refuse_waiting_ratio), 0.0, 100.0, "waiting per place", ASSUMED, "An organisation stops accepting referrals when its waiting list exceeds this many per free place (at least one)."),
    share(key!(community.grant_loss_prob), "assumed; Clifford: six years of negative median income growth", "Yearly chance an organisation loses a grant."),
    share(key!(community.grant_loss_share), ASSUMED, "Share of funding a lost grant takes."),
    share(key!(community.grant_win_prob), ASSUMED, "Yearly chance an organisation wins a grant."),
    num(key!(community.grant_win_share), 0.0, 10.0, "share of funding", ASSUMED, "Funding a won grant adds, as a share."),
    share(key!(community.tie_initial), ASSUMED, "Tie strength when a link worker first meets an organisation."),
    share(key!(community.tie_gain_visit), "assumed; Skivington 2018: benefits flow through personal relationships", "Tie gained per networking visit (towards 1)."),
    share(key!(community.tie_gain_success), ASSUMED, "Tie gained after a successful referral (towards 1)."),
    share(key!(community.tie_loss_failure), ASSUMED, "Tie lost after a failed referral (share of the tie)."),
    share(key!(community.tie_decay_per_week), ASSUMED, "Weekly decay of every tie."),
    num(key!(funding.community_budget), 0.0, 100.0, "multiplier", "lever; 1.0 = baseline", "Multiplier on baseline community-organisation funding."),
    share(key!(funding.annual_cut), "lever; NAO 2018: council funding fell 49% in real terms 2010/11-2017/18", "Fraction of funding cut at each financial year, compounding."),
    num(key!(funding.cut_first_year), 2.0, 100.0, "programme year", "lever; 2 = cuts from the start of the programme's second year (today's behaviour)", "The first programme year whose start brings an annual cut (year 1 is weeks 1-52): 3 = cuts from year 3."),
    num(key!(funding.cut_last_year), 2.0, 100.0, "programme year", "lever; 100 = cuts never stop", "The last programme year whose start brings a cut; funding then stays at its reduced level."),
    num(key!(funding.per_referral), 0.0, MONEY, "GBP per accepted referral", "lever; NCVO 2020 'funding follows the patient'", "Paid to an organisation for each referral it accepts, added at the next financial year."),
    share(key!(funding.practice_development), "lever; Deep End had a practice development fund (Mercer et al. 2017)", "Programme money for practice development: scales how much development time achieves."),
    num(key!(funding.practice_development_until_month), 0.0, 1200.0, "month", "lever; 1200 = never ends", "The practice development fund stops after this month (for example 24: pilot money ending at two years); development time then achieves only development_floor, and the fund costs nothing."),
    num(key!(funding.practice_development_cost_per_year), 0.0, MONEY, "GBP per practice per year at 1", ASSUMED, "Cost of the practice development fund."),
    share(key!(implementation.initial_coherence), ASSUMED, "Coherence of a practice at the start of a programme."),
    share(key!(implementation.initial_participation), ASSUMED, "Cognitive participation at the start."),
    share(key!(implementation.initial_action), ASSUMED, "Collective action at the start."),
    share(key!(implementation.rate_coherence), CALIBRATED, "Weekly rate at which coherence moves towards the level the practice's drivers sustain (the speed, not the level)."),
    share(key!(implementation.rate_participation), CALIBRATED, "Weekly rate at which cognitive participation moves towards its sustained level (times 0.5 + 0.5 * coherence)."),
    share(key!(implementation.rate_action), CALIBRATED, "Weekly rate at which collective action moves towards its sustained level (times 0.5 + 0.5 * participation)."),
    share(key!(implementation.rate_monitoring), ASSUMED, "Weekly rate at which reflexive monitoring tracks the effect seen."),
    share(key!(implementation.decay_per_week), ASSUMED, "Weekly decay of coherence, participation and action (staff turnover, forgetting)."),
    share(key!(implementation.vacancy_decay_per_week), "assumed; a vacancy lets coherence decay (MODEL.md)", "Extra weekly decay while the practice has no link worker."),
    share(key!(implementation.buy_in_rate), ASSUMED, "Weekly rate at which GP buy-in moves towards the effect the practice sees."),
    num(key!(implementation.development_hours_full), 0.1, 40.0, "hours per practice per week", ASSUMED, "Development time that counts as full development input."),
    share(key!(implementation.development_floor), ASSUMED, "What development time achieves with no development fund (share of full)."),
    num(key!(implementation.innovation_burden), 0.0, 10.0, "per innovation", "assumed; Chng 2021: competing innovations hinder integration", "Attention lost per active competing innovation: attention = 1 / (1 + burden * n)."),
    share(key!(implementation.training_burden), "assumed; Chng 2021: training status went with partial integration", "Attention lost by a training practice."),
    num(key!(implementation.effect_connections_per_1000_per_year), 0.01, 1000.0, "connections per 1,000 registered patients per year", ASSUMED, "Connections the practice must see to perceive the full effect."),
    share(key!(implementation.fitting_in_threshold), "assumed; Tierney et al. 2025 continuum", "Integration index at which a practice is fitting in."),
    share(key!(implementation.belonging_threshold), CALIBRATED, "Integration index a practice must hold to belong (Tierney et al. 2025's continuum; fully integrated, Chng)."),
    num(key!(implementation.belonging_hold_weeks), 1.0, 520.0, "weeks", ASSUMED, "Weeks the index must stay above the belonging threshold."),
    share(key!(implementation.belonging_effect), "assumed; Chng et al. 2021: full integration means implementing at patient, practice and community levels; Tierney et al. 2025: demonstrating effect", "Reflexive monitoring (the effect the practice sees, 0..1) a practice needs, besides the index, to belong."),
    num(key!(implementation.identity_weeks), 1.0, 520.0, "weeks", "assumed; Tierney et al. 2025: forging an identity in general practice", "Time constant over which a link worker forges an identity in the practice: identity = 1 - exp(-weeks in post / this); a new worker starts again."),
    num(key!(output.detail_replicates), 0.0, 1e6, "replicates", "lwsim's choice: per-replicate detail for 10,000 replicates would be 300 MB", "weekly.csv and practices.csv hold the first this-many replicates (0: headers only); monthly.csv and summary.json always use every replicate. `lwsim run --detail N` sets it."),
];

/// Find the spec of a dotted key.
pub fn spec(key: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|s| s.key == key)
}

/// Names valid directly below a dotted prefix ("" for the top level): leaf keys and tables.
pub fn children(prefix: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for s in SPECS.iter().map(|s| s.key).chain(std::iter::once("extends")) {
        let rest = if prefix.is_empty() {
            Some(s)
        } else {
            s.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
        };
        if let Some(rest) = rest {
            let head = rest.split('.').next().unwrap_or(rest);
            // `head` borrows from a &'static str, so it is 'static too.
            let start = s.len() - rest.len();
            let head: &'static str = &s[start..start + head.len()];
            if !out.contains(&head) {
                out.push(head);
            }
        }
    }
    out
}

/// Is `key` a table (has keys below it)?
pub fn is_table(key: &str) -> bool {
    SPECS
        .iter()
        .any(|s| s.key.strip_prefix(key).is_some_and(|r| r.starts_with('.')))
}

/// Look up a dotted key in a TOML table: `None` when a part of the path is missing or not a
/// table.
pub fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut value = table.get(parts.next()?)?;
    for p in parts {
        value = value.as_table()?.get(p)?;
    }
    Some(value)
}

/// The keys that set how lwsim runs rather than the world it runs (the base seed, the number of
/// replicates and how many keep weekly detail): not levers, and the only keys
/// [`super::Scenario::with_run`] replaces.
pub const RUN_KEYS: [&str; 3] = ["simulation.seed", "simulation.replicates", "output.detail_replicates"];

/// The range problems of the keys `specs` in `scenario`: (dotted key, what was expected), in
/// the order of `specs`.
pub fn out_of_range<'a>(scenario: &RawScenario, specs: impl IntoIterator<Item = &'a Spec>) -> super::Problems {
    specs
        .into_iter()
        .filter_map(|s| {
            let problem = s.problem(s.value(scenario)?)?;
            Some((s.key.to_string(), problem))
        })
        .collect()
}

/// A number as the TOML value a key set by name is given: an integer for a whole-number key
/// (`whole`) when `x` is whole (callers that sample round first), else a float, which a
/// whole-number key then refuses as it would in a file.
pub fn toml_number(x: f64, whole: bool) -> toml::Value {
    if whole && x.fract() == 0.0 && x.abs() < 9e15 {
        toml::Value::Integer(x as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// Check every value against its range, the rules that tie keys together, and the size limits
/// that keep a run within memory ([`MAX_ORGS`], [`MAX_REPLICATE_MONTHS`], [`MAX_DETAIL_ROWS`]).
/// Returns (dotted key, what was expected) for each problem, in table order; empty when the
/// scenario is valid. [`RawScenario::check`] calls it, and makes a checked scenario of one
/// with no problem. Each value is read from its field ([`Spec::value`]).
pub fn check(scenario: &RawScenario) -> super::Problems {
    let mut problems = out_of_range(scenario, SPECS);
    // Keys that may not exceed another key: (lower key, its value, upper key, its value, why).
    // Whole numbers are exact as f64 and print the same.
    let (f, p, i) = (&scenario.funding, &scenario.practices, &scenario.implementation);
    let ordered: [(&str, f64, &str, f64, &str); 4] = [
        (
            "funding.cut_first_year",
            f64::from(f.cut_first_year),
            "funding.cut_last_year",
            f64::from(f.cut_last_year),
            " (a schedule that makes no cut)",
        ),
        (
            "practices.list_size_min",
            f64::from(p.list_size_min),
            "practices.list_size_max",
            f64::from(p.list_size_max),
            "",
        ),
        (
            "practices.deprivation_min",
            p.deprivation_min,
            "practices.deprivation_max",
            p.deprivation_max,
            "",
        ),
        (
            "implementation.fitting_in_threshold",
            i.fitting_in_threshold,
            "implementation.belonging_threshold",
            i.belonging_threshold,
            "",
        ),
    ];
    for (low_key, low, high_key, high, why) in ordered {
        if low > high {
            problems.push((
                high_key.into(),
                format!("expected at least {low_key} ({low}), found {high}{why}"),
            ));
        }
    }
    // Organisations exist at baseline only if viable: a baseline funding below viability is
    // drawn again (model::init). A median so low that hardly a draw is viable would set nearly
    // every organisation's funding to the threshold itself, silently.
    let c = &scenario.community;
    let lowest = c.viability_funding * (-VIABLE_Z * c.funding_spread).exp();
    if c.viability_funding > 0.0 && c.funding_mean < lowest {
        problems.push((
            "community.funding_mean".into(),
            format!(
                "expected at least {} with community.funding_spread = {} and community.viability_funding = {} (an organisation's baseline funding is drawn again until viable; below this, fewer than 1 draw in 100 is, and the rest would be set to the threshold), found {}",
                fmt_num(lowest.ceil()),
                fmt_num(c.funding_spread),
                fmt_num(c.viability_funding),
                fmt_num(c.funding_mean)
            ),
        ));
    }
    let n = &scenario.patients;
    let weights = [
        n.need_mental_health,
        n.need_isolation,
        n.need_welfare,
        n.need_housing,
        n.need_physical_activity,
        n.need_other,
    ];
    if weights.iter().sum::<f64>() <= 0.0 {
        problems.push((
            "patients.need_mental_health".into(),
            "expected the need weights (patients.need_*) to sum to more than 0".into(),
        ));
    }
    if !valid_name(&scenario.name) {
        problems.push((
            "name".into(),
            format!(
                "expected a name of ASCII letters, digits, '-', '_' or '.' (it names a directory), found {:?}",
                scenario.name
            ),
        ));
    }
    // Size limits that keep a run within memory: documented in docs/SCENARIOS.md.
    let orgs = u64::from(scenario.networks()) * u64::from(scenario.community.orgs_per_network);
    if orgs > MAX_ORGS {
        problems.push((
            "community.orgs_per_network".into(),
            format!("expected at most {MAX_ORGS} organisations in all (networks x orgs_per_network), found {orgs}"),
        ));
    }
    // Memory a run keeps: each replicate's monthly values, and the weekly rows of the detailed ones.
    let sim = &scenario.simulation;
    let months = u64::from(sim.weeks) * 12 / 52 + 1;
    if u64::from(sim.replicates) * months > MAX_REPLICATE_MONTHS {
        problems.push((
            "simulation.replicates".into(),
            format!("expected replicates x months at most {MAX_REPLICATE_MONTHS}, found {} x {months}; split the run (or use a sweep)", sim.replicates),
        ));
    }
    let detailed = u64::from(sim.replicates.min(scenario.output.detail_replicates));
    if detailed * (u64::from(sim.weeks) + 1) > MAX_DETAIL_ROWS {
        problems.push((
            "output.detail_replicates".into(),
            format!(
                "expected at most {MAX_DETAIL_ROWS} weekly rows (detailed replicates x weeks), found {} x {}",
                detailed,
                u64::from(sim.weeks) + 1
            ),
        ));
    }
    problems
}

/// A name that can name a results directory: letters, digits, '-', '_' and '.', not starting
/// with '.'.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)) && !name.starts_with('.')
}

/// The standard normal's 99th percentile: a median baseline funding at least
/// `viability_funding * exp(-VIABLE_Z * funding_spread)` makes at least 1 draw in 100 viable.
const VIABLE_Z: f64 = 2.326;

/// Most community organisations in one world (networks times organisations per network).
pub const MAX_ORGS: u64 = 2_000_000;
/// Most replicate-months a run keeps in memory (each about 270 bytes).
pub const MAX_REPLICATE_MONTHS: u64 = 10_000_000;
/// Most weekly rows written to weekly.csv (each about 300 bytes).
pub const MAX_DETAIL_ROWS: u64 = 10_000_000;

/// The names among `names` close enough to `word` to suggest ("did you mean ...?"), best first,
/// at most three: those whose Jaro-Winkler similarity to `word` (whole, or with the last dotted
/// part of each name, so `gp_buy_in` finds `practices.gp_buy_in.mean`) is at least `min_score`
/// and within 0.05 of the best. Empty when nothing is close: then no suggestion is better than
/// an unrelated one.
pub fn suggest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>, min_score: f64) -> Vec<&'a str> {
    let score = |name: &str| {
        let whole = strsim::jaro_winkler(word, name);
        let parts: Vec<&str> = name.split('.').collect();
        let tail = (1..parts.len())
            .map(|i| strsim::jaro_winkler(word, &parts[i..].join(".")))
            .fold(0.0, f64::max);
        whole.max(tail)
    };
    let mut scored: Vec<(f64, &str)> = names.into_iter().map(|n| (score(n), n)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let best = scored.first().map_or(0.0, |s| s.0);
    scored
        .into_iter()
        .filter(|(s, _)| *s >= min_score && *s >= best - 0.05)
        .take(3)
        .map(|(_, n)| n)
        .collect()
}

/// "did you mean `a` or `b`?", or `otherwise` when nothing is close.
pub fn did_you_mean(suggestions: &[&str], otherwise: &str) -> String {
    if suggestions.is_empty() {
        otherwise.to_string()
    } else {
        let names: Vec<String> = suggestions.iter().map(|n| format!("`{n}`")).collect();
        format!("did you mean {}?", names.join(" or "))
    }
}

/// A bound or default as a person reads it: whole numbers without a decimal point; the largest
/// seed as the exact integer (2^63 - 1), not its nearest double.
pub(crate) fn fmt_num(x: f64) -> String {
    if x == i64::MAX as f64 {
        i64::MAX.to_string()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each key reads the value serde writes under its name, and a value written through it is
    /// what serde then writes there, every other key unchanged: the field a row's path names is
    /// the key's (a `#[serde(rename)]` would break this).
    #[test]
    fn each_key_reads_and_writes_the_field_serde_names_it() {
        let defaults = RawScenario::default();
        let table = toml::Table::try_from(&defaults).expect("serialises");
        for s in SPECS {
            let written = lookup(&table, s.key).unwrap_or_else(|| panic!("{}: not serialised", s.key));
            let (read, new) = match (written, s.kind) {
                (toml::Value::Integer(i), Kind::Int) => (Some(Number::Whole(*i as u64)), toml::Value::Integer(i + 1)),
                (toml::Value::Float(x), Kind::Real) => (Some(Number::Real(*x)), toml::Value::Float(x + 0.25)),
                (toml::Value::String(t), Kind::Text) => (None, toml::Value::String(format!("{t}x"))),
                (other, kind) => panic!("{}: {kind:?} key serialised as {other:?}", s.key),
            };
            assert_eq!(s.value(&defaults), read, "{}", s.key);
            let new = match s.key {
                "simulation.uncertainty" => toml::Value::String("full".into()),
                _ => new,
            };
            let mut changed = defaults.clone();
            s.write(&mut changed, new.clone())
                .unwrap_or_else(|e| panic!("{}: {e}", s.key));
            let after = toml::Table::try_from(&changed).expect("serialises");
            for other in SPECS {
                let want = if other.key == s.key {
                    &new
                } else {
                    lookup(&table, other.key).expect("a key")
                };
                assert_eq!(
                    lookup(&after, other.key),
                    Some(want),
                    "writing {} changed {}",
                    s.key,
                    other.key
                );
            }
        }
    }

    #[test]
    fn whole_number_bounds_are_whole_and_the_run_keys_are_keys() {
        for s in SPECS.iter().filter(|s| s.kind == Kind::Int) {
            assert!(
                s.min.fract() == 0.0 && s.max.fract() == 0.0 && s.min >= 0.0,
                "{}",
                s.key
            );
        }
        for key in RUN_KEYS {
            assert_eq!(spec(key).map(|s| s.kind), Some(Kind::Int), "{key}");
        }
    }

    #[test]
    fn a_whole_number_is_held_to_its_range_exactly() {
        let seed = spec("simulation.seed").expect("a key");
        assert_eq!(seed.problem(Number::Whole(i64::MAX as u64)), None);
        assert_eq!(
            seed.problem(Number::Whole(1 << 63)).as_deref(),
            Some("expected a value in [0, 9223372036854775807], found 9223372036854775808")
        );
        let count = spec("practices.count").expect("a key");
        assert_eq!(
            count.problem(Number::Whole(0)).as_deref(),
            Some("expected a value in [1, 100000] (practices), found 0")
        );
        let cut = spec("funding.annual_cut").expect("a key");
        assert_eq!(
            cut.problem(Number::Real(f64::NAN)).as_deref(),
            Some("expected a finite number, found NaN")
        );
        assert_eq!(
            cut.problem(Number::Real(1.5)).as_deref(),
            Some("expected a value in [0, 1] (share 0..1), found 1.5")
        );
    }
}

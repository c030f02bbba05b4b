//! Property tests (proptest): no input makes the reader panic, and any valid scenario runs with
//! every weekly invariant holding. Case counts are bounded so that CI time is too.

use crate::invariants::check_world;
use lwsim::model::World;
use proptest::prelude::*;

/// Cases per property: `default`, or PROPTEST_CASES for a longer hunt (`PROPTEST_CASES=20000 cargo test properties`).
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn load_text(bytes: &[u8]) -> Result<lwsim::Scenario, lwsim::InputError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, bytes).unwrap();
    lwsim::scenario::load::load(&path, &[])
}

/// A TOML value of any type, including ones no key takes.
fn any_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| if f.is_finite() { format!("{f:?}") } else { "nan".into() }),
        (0.0..2.0f64).prop_map(|f| format!("{f}")),
        (0u32..200).prop_map(|i| i.to_string()),
        (0u32..3).prop_map(|i| i.to_string()),
        "[a-z]{0,6}".prop_map(|s| format!("{s:?}")),
        any::<bool>().prop_map(|b| b.to_string()),
        Just("inf".to_string()),
        Just("-0.0".to_string()),
        Just("[1, 2]".to_string()),
        Just("{ mean = 0.5 }".to_string()),
        Just("1979-05-27".to_string()),
    ]
}

/// A key: mostly real ones (so documents get past the unknown-key check), some near misses.
fn any_key() -> impl Strategy<Value = String> {
    let real: Vec<String> = lwsim::scenario::params::SPECS
        .iter()
        .map(|s| s.key.to_string())
        .collect();
    prop_oneof![
        8 => proptest::sample::select(real),
        1 => "[a-z_]{1,12}(\\.[a-z_]{1,12}){0,2}",
        1 => Just("extends".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = load_text(&bytes);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sweep.toml");
        std::fs::write(&path, &bytes).unwrap();
        let _ = lwsim::sweep::spec::read(&path);
    }

    #[test]
    fn arbitrary_sweep_documents_never_panic(
        design in proptest::sample::select(vec!["grid", "lhs", "morris", "sobol", "nope"]),
        samples in 0u32..6,
        params in proptest::collection::vec((any_key(), any_value(), any_value()), 0..4),
    ) {
        let base = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/deep-end-baseline.toml");
        let mut text = format!("name = \"p\"\nscenario = {:?}\ndesign = {design:?}\nsamples = {samples}\nreplicates = 1\n", base.display().to_string());
        for (key, a, b) in &params {
            text.push_str(&format!("[[parameter]]\nkey = {key:?}\nmin = {a}\nmax = {b}\nsteps = 2\n"));
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sweep.toml");
        std::fs::write(&path, text).unwrap();
        if let Ok(sweep) = lwsim::sweep::spec::read(&path) {
            // A sweep that reads must give a valid scenario at every point.
            for p in 0..sweep.points.len().min(20) {
                let s = sweep.point_scenario(p);
                prop_assert!(s.simulation.replicates == 1);
            }
        }
    }

    #[test]
    fn arbitrary_toml_documents_never_panic(entries in proptest::collection::vec((any_key(), any_value()), 0..12)) {
        let text: String = entries.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        match load_text(text.as_bytes()) {
            Ok(s) => prop_assert!(lwsim::scenario::params::check(&s).is_empty()),
            Err(e) => {
                let message = e.to_string();
                prop_assert!(!message.is_empty() && !message.contains("panicked"));
            }
        }
    }

    #[test]
    fn arbitrary_set_overrides_never_panic(key in any_key(), value in any_value()) {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/deep-end-baseline.toml");
        let _ = lwsim::scenario::load::load(&path, &[format!("{key}={value}")]);
    }
}

/// A valid scenario of small size, with every lever anywhere in its range.
fn small_scenario() -> impl Strategy<Value = lwsim::RawScenario> {
    (
        (1u32..25, 1u32..7, 1u32..40, 1u32..12, 0.05f64..3.0),
        (
            0.0f64..1.0,
            0.0f64..0.5,
            0.0f64..1.0,
            0.0f64..0.5,
            0.0f64..1.0,
            0.0f64..4.0,
        ),
        (1u32..60, 0.0f64..1.0, 0u32..20, 0.0f64..1.0, 0.0f64..0.1),
        (0.0f64..3.0, 0.0f64..1.0, 0.0f64..500.0, 0.0f64..1.0, 0.0f64..400.0),
        any::<u64>(),
    )
        .prop_map(|(size, drivers, workers, funding, seed)| {
            let mut s = lwsim::RawScenario {
                name: "prop".into(),
                ..Default::default()
            };
            (
                s.practices.count,
                s.practices.per_network,
                s.simulation.weeks,
                s.community.orgs_per_network,
                s.link_workers.fte_per_practice,
            ) = size;
            let (b, bsd, l, lsd, t, innovations) = drivers;
            s.practices.gp_buy_in.mean = b;
            s.practices.gp_buy_in.sd = bsd;
            s.practices.collaborative_leadership.mean = l;
            s.practices.collaborative_leadership.sd = lsd;
            s.practices.team_dynamics.mean = t;
            s.practices.competing_innovations_per_year = innovations;
            (
                s.link_workers.caseload_cap,
                s.link_workers.support,
                s.link_workers.recruitment_delay_weeks,
                s.link_workers.holistic_share,
                s.link_workers.leave_hazard_per_week,
            ) = workers;
            (
                s.funding.community_budget,
                s.funding.annual_cut,
                s.funding.per_referral,
                s.funding.practice_development,
                s.practices.referrals_per_1000_per_year,
            ) = funding;
            s.simulation.seed = seed >> 1;
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(64), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_valid_scenario_runs_with_the_invariants_holding(s in small_scenario()) {
        let s = s.check();
        prop_assert!(s.is_ok(), "{:?}", s.err());
        let s = s.expect("checked");
        let mut world = World::new(&s, s.simulation.seed);
        check_world(&world);
        for _ in 0..s.simulation.weeks {
            world.step();
            check_world(&world);
        }
    }
}

/// A number at, just inside or just beyond a key's bounds, or at the edges of what TOML and the
/// Rust types can hold, written as TOML.
fn number_near(spec: &'static lwsim::scenario::params::Spec) -> impl Strategy<Value = String> {
    let (min, max) = (spec.min, spec.max);
    let step = ((max - min).abs() * 1e-9).max(1e-12);
    let numbers = prop_oneof![
        Just(min),
        Just(max),
        Just(min - step),
        Just(max + step),
        Just(min - 1.0),
        Just(max + 1.0),
        Just(max * 2.0),
        Just(-max),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(4_294_967_296.0),
        min..=max,
    ]
    .prop_map(|x: f64| format!("{x:?}"));
    let literals = prop_oneof![
        Just("9223372036854775807".to_string()),
        Just("9223372036854775808".to_string()),
        Just("-9223372036854775809".to_string()),
        Just("18446744073709551616".to_string()),
        Just("1e400".to_string()),
        Just("-1e400".to_string()),
        Just("nan".to_string()),
        Just("-inf".to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
    ];
    prop_oneof![3 => numbers, 1 => literals]
}

fn numeric_key_and_value() -> impl Strategy<Value = (&'static str, String)> {
    let numeric: Vec<&'static lwsim::scenario::params::Spec> = lwsim::scenario::params::SPECS
        .iter()
        .filter(|s| s.kind != lwsim::scenario::params::Kind::Text)
        .collect();
    proptest::sample::select(numeric).prop_flat_map(|spec| number_near(spec).prop_map(move |v| (spec.key, v)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), failure_persistence: None, ..ProptestConfig::default() })]

    /// Every numeric key, given a number at or beyond its bounds (in a file and with --set): a
    /// located error or a scenario whose value lies within the documented range; never a panic.
    #[test]
    fn numbers_at_and_beyond_every_bound_are_located_errors_or_in_range((key, value) in numeric_key_and_value()) {
        let (table, leaf) = key.rsplit_once('.').unwrap();
        let text = format!("[{table}]\n{leaf} = {value}\n");
        let spec = lwsim::scenario::params::spec(key).unwrap();
        match lwsim::scenario::load::load_text(std::path::Path::new("x.toml"), text, &[]) {
            Ok(s) => {
                let table = toml::Table::try_from(&s).unwrap();
                let x = lwsim::scenario::params::lookup(&table, key)
                    .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                    .unwrap();
                prop_assert!(x >= spec.min && x <= spec.max, "{key} = {value} accepted as {x}");
            }
            Err(e) => {
                prop_assert!(e.problems[0].location.starts_with("x.toml"), "{key} = {value}: {e}");
            }
        }
        let sets = [format!("{key}={value}")];
        let sets: Vec<(&str, &str)> = sets.iter().map(|s| ("--set", s.as_str())).collect();
        if let Err(e) = lwsim::scenario::load::load_text(std::path::Path::new("y.toml"), "name = \"y\"\n".into(), &sets) {
            // The value's own problem is the --set's; a check against another key may fault that key.
            let at = &e.problems[0].location;
            prop_assert!(at == "--set" || at.starts_with("y.toml"), "{key}={value}: {e}");
        }
    }
}

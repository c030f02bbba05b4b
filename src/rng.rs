//! The replicate's random generator and the few draws the model makes.
//!
//! Every replicate owns one generator, a ChaCha8 generator seeded from [`replicate_seed`], which
//! depends on the base seed and the replicate index alone. Nothing else in lwsim draws random
//! numbers, so a replicate is reproduced from its seed whatever the thread count.
//!
//! The replicate's generator is split into [`Streams`]: ChaCha's stream number gives each
//! mechanism its own sequence from the same key. Draws for one mechanism never shift the draws
//! of another, so replicate r of two scenarios that differ in one lever stays paired (common
//! random numbers) in every mechanism the lever does not touch.

#![warn(missing_docs)]

use rand::{RngExt, SeedableRng};
use rand_distr::Distribution;

/// The generator every replicate uses: ChaCha with 8 rounds (rand_chacha).
pub type Rng = rand_chacha::ChaCha8Rng;

/// [`Rng`] and how a replicate seeds it, in words, as run.json's `generator` records it. The
/// version is Cargo.toml's requirement of rand_chacha (a unit test keeps them equal), since a
/// change of the crate's major version may change every draw.
pub const GENERATOR: &str = "ChaCha8Rng::seed_from_u64(replicate seed), one stream per mechanism (rand_chacha 0.10)";

/// SplitMix64's output function (Steele, Lea & Flood 2014): a bijective 64-bit mixer.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replicate `index` of a run with base seed `base`:
/// `splitmix64(splitmix64(base) ^ index)`. Written in every result row.
pub fn replicate_seed(base: u64, index: u64) -> u64 {
    splitmix64(splitmix64(base) ^ index)
}

/// A generator for one replicate, from its seed (`ChaCha8Rng::seed_from_u64`).
pub fn generator(seed: u64) -> Rng {
    Rng::seed_from_u64(seed)
}

/// The replicate's generator, one ChaCha stream per mechanism (stream numbers 0 to 5, fixed:
/// renumbering changes every published result). Stream 6 draws the uncertain constants under
/// `--uncertainty full` ([`crate::scenario::uncertain::STREAM`]).
#[derive(Clone, Debug)]
pub struct Streams {
    /// Stream 0: the world at week 0 (practices' drivers, list sizes and deprivation;
    /// organisations' needs and funding).
    pub setup: Rng,
    /// Stream 1: each practice's weekly referral count and competing innovations.
    pub referrals: Rng,
    /// Stream 2: each referred patient's needs, pathway, sessions, confidence and patience.
    pub patients: Rng,
    /// Stream 3: link workers' casework: engagement, attendance, dropout, networking visits and
    /// the choice of organisation for onward referral.
    pub casework: Rng,
    /// Stream 4: community organisations: grants won and lost, patients taking up places.
    pub community: Rng,
    /// Stream 5: the workforce: link workers leaving, and the organisations a newcomer knows.
    pub workforce: Rng,
}

impl Streams {
    /// The streams of the replicate with seed `seed`: `ChaCha8Rng::seed_from_u64(seed)` with
    /// stream numbers 0 to 5.
    pub fn new(seed: u64) -> Self {
        let stream = |n: u64| {
            let mut rng = generator(seed);
            rng.set_stream(n);
            rng
        };
        Streams {
            setup: stream(0),
            referrals: stream(1),
            patients: stream(2),
            casework: stream(3),
            community: stream(4),
            workforce: stream(5),
        }
    }
}

/// Uniform on [0, 1).
#[inline]
pub fn uniform(rng: &mut Rng) -> f64 {
    rng.random::<f64>()
}

/// True with probability `p` (clamped to [0, 1]).
#[inline]
pub fn chance(rng: &mut Rng, p: f64) -> bool {
    uniform(rng) < p
}

/// Uniform integer in `0..n`.
///
/// # Panics
/// If `n` is 0.
#[inline]
pub fn below(rng: &mut Rng, n: u32) -> u32 {
    rng.random_range(0..n)
}

/// Standard normal draw.
pub fn normal(rng: &mut Rng) -> f64 {
    rand_distr::StandardNormal.sample(rng)
}

/// Poisson draw with mean `lambda` (>= 0). Means below 30 use inversion: exactly one uniform
/// draw, whatever `lambda` (0 included), so a stream stays aligned across scenarios whose means
/// differ, and a larger mean never gives a smaller count for the same draw (common random
/// numbers pair well). Larger means use rand_distr's sampler. Counts from inversion stop at
/// 1,000.
///
/// # Panics
/// If `lambda` is NaN or above rand_distr's `Poisson::MAX_LAMBDA` (1.844e19), infinity included
/// (a checked scenario never gives one).
pub fn poisson(rng: &mut Rng, lambda: f64) -> u32 {
    if lambda < 30.0 {
        let u = uniform(rng);
        if lambda <= 0.0 {
            return 0;
        }
        let mut p = (-lambda).exp();
        let mut cdf = p;
        let mut k = 0u32;
        while u > cdf && k < 1000 {
            k += 1;
            p *= lambda / f64::from(k);
            cdf += p;
        }
        return k;
    }
    let d = rand_distr::Poisson::new(lambda).expect("lambda is positive and finite");
    d.sample(rng) as u32
}

/// A Poisson distribution whose mean is fixed for a whole run (sessions a holistic case needs,
/// competing innovations a week): [`poisson`]'s draws, bit for bit, without its work per draw.
/// Below a mean of 30 the cumulative probabilities [`poisson`] sums on every draw are summed
/// once, by the same operations in the same order, so a draw is one uniform and a search;
/// from 30 up it is [`poisson`] itself.
#[derive(Debug, Clone)]
pub struct Poisson {
    lambda: f64,
    /// `cdf[k]`: P(X <= k) as [`poisson`]'s loop sums it, for k = 0 until the sum stops
    /// changing in floating point (or k = 1000, the loop's own limit). Empty from a mean of 30.
    cdf: Vec<f64>,
}

impl Poisson {
    /// The distribution with mean `lambda` (events; `lambda <= 0` always draws 0).
    pub fn new(lambda: f64) -> Self {
        let mut cdf = Vec::new();
        if lambda > 0.0 && lambda < 30.0 {
            let mut p = (-lambda).exp();
            let mut sum = p;
            cdf.push(sum);
            let mut k = 0u32;
            while k < 1000 {
                k += 1;
                p *= lambda / f64::from(k);
                let next = sum + p;
                if next == sum {
                    break; // every later sum is this one: the loop would run on to 1000
                }
                sum = next;
                cdf.push(sum);
            }
        }
        Poisson { lambda, cdf }
    }

    /// One draw: the same value, from the same uniforms, as `poisson(rng, lambda)`.
    pub fn sample(&self, rng: &mut Rng) -> u32 {
        if self.lambda >= 30.0 {
            return poisson(rng, self.lambda);
        }
        let u = uniform(rng);
        if self.lambda <= 0.0 {
            return 0;
        }
        match self.cdf.iter().position(|&c| u <= c) {
            Some(k) => k as u32,
            // u lies above every sum: the loop runs on to its limit (when the table stopped
            // because the sum stopped changing) or stops where the table stops (k = 1000).
            None => 1000,
        }
    }
}

/// Index drawn with probability proportional to `weights`, or `None` when no weight is positive.
/// Exactly one uniform draw either way, so the stream stays aligned.
pub fn pick_weighted(rng: &mut Rng, weights: &[f64]) -> Option<usize> {
    let u = uniform(rng);
    let total: f64 = weights.iter().sum();
    if total <= 0.0 {
        return None;
    }
    let mut u = u * total;
    let mut chosen = None;
    for (k, &x) in weights.iter().enumerate() {
        if x > 0.0 {
            chosen = Some(k); // the last candidate, should rounding leave u above every weight
            if u < x {
                break;
            }
            u -= x;
        }
    }
    chosen
}

/// The weeks until an event of fixed weekly hazard (a waiting patient giving up, an active case
/// dropping out): geometric, the failures before the first success, capped. The cumulative
/// probabilities are tabulated once per run, so a draw is one uniform and a binary search, with
/// no logarithm.
#[derive(Debug, Clone)]
pub struct Geometric {
    /// `cdf[k]`: P(weeks <= k) = 1 - (1 - h)^(k + 1), for k below the cap.
    cdf: Vec<f64>,
}

impl Geometric {
    /// Weekly hazard `h` (0..1; at most 0 never happens, at least 1 happens at once), capped at
    /// `cap` weeks.
    pub fn new(h: f64, cap: u32) -> Self {
        let q = 1.0 - h.clamp(0.0, 1.0);
        let mut survive = 1.0;
        let cdf = (0..cap)
            .map(|_| {
                survive *= q;
                1.0 - survive
            })
            .collect();
        Geometric { cdf }
    }

    /// One draw, in weeks (0 to the cap): exactly one uniform, whatever the hazard, so a stream
    /// stays aligned across scenarios whose hazards differ.
    pub fn sample(&self, rng: &mut Rng) -> u32 {
        let u = uniform(rng);
        // The first k with u < cdf[k]; the cap when there is none.
        self.cdf.partition_point(|&c| c <= u) as u32
    }
}

#[cfg(test)]
mod tests {
    /// [`super::GENERATOR`] names the rand_chacha that Cargo.toml asks for.
    #[test]
    fn the_generator_names_the_crate_version_built() {
        let manifest = include_str!("../Cargo.toml");
        let line = manifest
            .lines()
            .find(|l| l.starts_with("rand_chacha "))
            .expect("rand_chacha in Cargo.toml");
        let version = line.split('"').nth(1).expect("a quoted version");
        assert!(
            super::GENERATOR.ends_with(&format!("(rand_chacha {version})")),
            "{line}"
        );
    }
    use super::*;

    #[test]
    fn replicate_seeds_differ_and_are_stable() {
        assert_ne!(replicate_seed(1, 0), replicate_seed(1, 1));
        assert_ne!(replicate_seed(1, 0), replicate_seed(2, 0));
        assert_eq!(replicate_seed(7, 3), replicate_seed(7, 3));
        // Pinned: changing the derivation changes every published result.
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }

    #[test]
    fn streams_are_distinct_and_independent_of_each_others_use() {
        let mut a = Streams::new(9);
        let mut b = Streams::new(9);
        let first = uniform(&mut a.casework);
        assert_ne!(first, uniform(&mut a.community));
        assert_ne!(uniform(&mut a.setup), uniform(&mut a.referrals));
        // Many draws from one stream leave another stream's sequence where it was.
        for _ in 0..1000 {
            uniform(&mut b.patients);
        }
        assert_eq!(uniform(&mut b.casework), first);
        // Stream 0 is the replicate's plain generator.
        assert_eq!(uniform(&mut Streams::new(9).setup), uniform(&mut generator(9)));
    }

    #[test]
    fn poisson_mean_is_lambda() {
        let mut rng = generator(1);
        for lambda in [0.3, 4.0, 45.0] {
            let n = 20_000;
            let total: u64 = (0..n).map(|_| u64::from(poisson(&mut rng, lambda))).sum();
            let mean = total as f64 / f64::from(n);
            assert!(
                (mean - lambda).abs() < 4.0 * (lambda / f64::from(n)).sqrt() + 0.01,
                "lambda {lambda}: mean {mean}"
            );
        }
    }

    #[test]
    fn pick_weighted_follows_the_weights_and_skips_zeros() {
        let mut rng = generator(4);
        assert_eq!(pick_weighted(&mut rng, &[0.0, 0.0]), None);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[pick_weighted(&mut rng, &[1.0, 0.0, 3.0]).unwrap()] += 1;
        }
        assert_eq!(counts[1], 0);
        assert!((f64::from(counts[0]) / 30_000.0 - 0.25).abs() < 0.015, "{counts:?}");
    }

    #[test]
    fn tables_draw_what_the_plain_draws_draw() {
        // Poisson caches per-run work; every draw must equal the plain function's.
        for lambda in [-1.0, 0.0, 1e-9, 0.3, 4.0, 5.5, 29.9, 30.0, 45.0] {
            let table = Poisson::new(lambda);
            let (mut a, mut b) = (generator(11), generator(11));
            for _ in 0..20_000 {
                assert_eq!(table.sample(&mut a), poisson(&mut b, lambda), "lambda {lambda}");
            }
        }
    }

    #[test]
    fn geometric_has_its_mean_and_its_cap() {
        let mut rng = generator(2);
        let n = 20_000;
        let g = Geometric::new(0.1, 10_000);
        let total: u64 = (0..n).map(|_| u64::from(g.sample(&mut rng))).sum();
        let mean = total as f64 / f64::from(n);
        // Failures before the first success: mean (1 - h) / h = 9, standard error about 0.07.
        assert!((mean - 9.0).abs() < 0.3, "mean {mean}");
        // P(0) = h: 10% of draws.
        let zeros = (0..n).filter(|_| g.sample(&mut rng) == 0).count();
        assert!((zeros as f64 / f64::from(n) - 0.1).abs() < 0.01, "{zeros}");
        // A hazard of 0 never happens (the cap); of 1, at once; the cap bounds every draw.
        assert!((0..100).all(|_| Geometric::new(0.0, 55).sample(&mut rng) == 55));
        assert!((0..100).all(|_| Geometric::new(1.0, 55).sample(&mut rng) == 0));
        assert!((0..1000).all(|_| Geometric::new(0.01, 3).sample(&mut rng) <= 3));
    }
}

//! Sensitivity estimators: Morris elementary effects and Sobol indices (Saltelli/Jansen), with
//! bootstrap confidence intervals, counts of undefined outputs, and the noise floor a stochastic
//! model puts under every index. Pure functions of the design and the outputs, tested against
//! functions whose answers are known.

use crate::rng::{self, Rng};
use crate::summary::{compensated_sum, mean_sd};

/// The half-width of a 95% normal interval from a bootstrap standard deviation (as SALib).
const Z95: f64 = 1.96;

/// Morris screening of one output: per parameter, mu* (mean |EE|), mu (mean EE), sigma (sd EE),
/// the half-width of mu*'s 95% bootstrap interval, and how many elementary effects were defined
/// (both points of the step had a value) or not. Elementary effects are per unit of the
/// parameter's range (inputs scaled to [0, 1]). With no defined effect every statistic is NaN
/// (written as an empty field); a constant output gives 0 (not -0).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Morris {
    /// mu*: the mean absolute elementary effect, in the output's unit per unit of the
    /// parameter's range.
    pub mu_star: f64,
    /// mu: the mean signed elementary effect (same unit); far below mu* when the sign changes.
    pub mu: f64,
    /// sigma: the standard deviation of the elementary effects (same unit): interaction or
    /// non-linearity.
    pub sigma: f64,
    /// The half-width of mu*'s 95% bootstrap interval (same unit).
    pub mu_star_conf: f64,
    /// Elementary effects defined (both points of the step had a value).
    pub effects: usize,
    /// Elementary effects undefined (a point of the step had no value).
    pub undefined: usize,
}

/// The parameter moved at each step of each trajectory, with the step's size in unit coordinates,
/// and the indices of the two points: `(parameter, step, from, to)`.
fn morris_steps(unit: &[Vec<f64>], k: usize) -> Vec<(usize, f64, usize, usize)> {
    let mut steps = Vec::new();
    for (t, traj) in unit.chunks(k + 1).enumerate() {
        for s in 0..traj.len().saturating_sub(1) {
            if let Some(j) = (0..k).find(|&j| (traj[s + 1][j] - traj[s][j]).abs() > 1e-12) {
                let at = t * (k + 1) + s;
                steps.push((j, traj[s + 1][j] - traj[s][j], at, at + 1));
            }
        }
    }
    steps
}

/// `unit`: the design in unit coordinates (trajectories of k+1 points); `y`: the output at each
/// point (NaN where undefined); `resamples` bootstrap draws of each parameter's effects.
pub fn morris(unit: &[Vec<f64>], y: &[f64], k: usize, resamples: usize, rng: &mut Rng) -> Vec<Morris> {
    let mut effects: Vec<Vec<f64>> = vec![Vec::new(); k];
    let mut undefined = vec![0usize; k];
    for (j, step, a, b) in morris_steps(unit, k) {
        // + 0.0: a zero effect is 0, never -0.
        let ee = (y[b] - y[a]) / step + 0.0;
        if ee.is_finite() {
            effects[j].push(ee);
        } else {
            undefined[j] += 1;
        }
    }
    effects
        .iter()
        .zip(undefined)
        .map(|(e, undefined)| {
            if e.is_empty() {
                return Morris {
                    mu_star: f64::NAN,
                    mu: f64::NAN,
                    sigma: f64::NAN,
                    mu_star_conf: f64::NAN,
                    effects: 0,
                    undefined,
                };
            }
            let n = e.len() as f64;
            let (mu, sigma) = mean_sd(e);
            let abs: Vec<f64> = e.iter().map(|x| x.abs()).collect();
            let mu_star = compensated_sum(abs.iter().copied()) / n;
            let boot: Vec<f64> = (0..resamples)
                .map(|_| compensated_sum((0..e.len()).map(|_| abs[rng::below(rng, e.len() as u32) as usize])) / n)
                .collect();
            Morris {
                mu_star: mu_star + 0.0,
                mu: mu + 0.0,
                sigma: sigma + 0.0,
                mu_star_conf: Z95 * mean_sd(&boot).1 + 0.0,
                effects: e.len(),
                undefined,
            }
        })
        .collect()
}

/// The noise floor of a Morris screen: the mu* that a parameter which changes nothing would
/// show, from the variance of each point's mean over its replicates (`var_of_mean`: sd^2 / n,
/// NaN where unknown). A step between points with noise variances v1 and v2 gives an effect
/// N(0, (v1 + v2) / step^2), whose mean absolute value is sqrt(2 / pi) sqrt(v1 + v2) / |step|;
/// the floor is that averaged over every step of the design. NaN when no step has both
/// variances (one replicate a point).
pub fn morris_noise_floor(unit: &[Vec<f64>], var_of_mean: &[f64], k: usize) -> f64 {
    let terms: Vec<f64> = morris_steps(unit, k)
        .into_iter()
        .map(|(_, step, a, b)| {
            (2.0 / std::f64::consts::PI).sqrt() * (var_of_mean[a] + var_of_mean[b]).sqrt() / step.abs()
        })
        .filter(|x| x.is_finite())
        .collect();
    if terms.is_empty() {
        f64::NAN
    } else {
        compensated_sum(terms.iter().copied()) / terms.len() as f64
    }
}

/// Sobol indices of one parameter: first-order S1 and total ST, each with the half-width of its
/// 95% bootstrap interval (1.96 times the bootstrap standard deviation, as SALib reports), and
/// how many of the N base rows were used (A, AB_i and B all defined) or not. A constant output
/// (no variance) has S1 = ST = 0 with intervals 0 and `constant` set; with no usable row every
/// index is NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sobol {
    /// First-order index S1: the share of the output's variance the parameter explains alone
    /// (0 to 1, up to estimation error).
    pub s1: f64,
    /// The half-width of S1's 95% bootstrap interval.
    pub s1_conf: f64,
    /// Total index ST: the share of the variance that would go if the parameter were fixed,
    /// its interactions included (0 to 1, up to estimation error).
    pub st: f64,
    /// The half-width of ST's 95% bootstrap interval.
    pub st_conf: f64,
    /// Base rows used (A, AB_i and B all defined).
    pub rows: usize,
    /// Base rows not used (one of the three undefined).
    pub undefined: usize,
    /// The output had no variance: S1 = ST = 0 by convention.
    pub constant: bool,
}

/// Estimates from rows `rows` of the Saltelli blocks: S1 (Saltelli et al. 2010) and ST (Jansen
/// 1999), over the variance of the A and B outputs (population variance, as SALib); None when
/// that variance is 0.
fn sobol_point(y: &[f64], k: usize, i: usize, rows: &[usize]) -> Option<(f64, f64)> {
    let stride = k + 2;
    let n = rows.len() as f64;
    let ab: Vec<f64> = rows
        .iter()
        .flat_map(|&j| [y[j * stride], y[j * stride + k + 1]])
        .collect();
    let (mean, _) = mean_sd(&ab);
    let var = compensated_sum(ab.iter().map(|x| (x - mean) * (x - mean))) / ab.len() as f64;
    if var.is_nan() || var <= 0.0 {
        return None;
    }
    let at = |j: usize| (y[j * stride], y[j * stride + 1 + i], y[j * stride + k + 1]);
    // f(B) centred on the mean: the same expectation as Saltelli's f(B) (f(AB_i) - f(A)), whose
    // mean difference is 0, with far less variance when the mean is large against the spread
    // (SALib standardises Y to the same end).
    let s1 = compensated_sum(rows.iter().map(|&j| {
        let (a, abi, b) = at(j);
        (b - mean) * (abi - a)
    })) / n
        / var;
    let st =
        0.5 * compensated_sum(rows.iter().map(|&j| {
            let (a, abi, _) = at(j);
            (a - abi) * (a - abi)
        })) / n
            / var;
    Some((s1 + 0.0, st + 0.0))
}

/// Sobol indices for `k` parameters from outputs in Saltelli order (`n` blocks of k + 2). Rows
/// where A, AB_i or B is undefined (NaN) are left out of parameter i's estimate and counted.
pub fn sobol(y: &[f64], k: usize, resamples: usize, rng: &mut Rng) -> Vec<Sobol> {
    let stride = k + 2;
    let n = y.len() / stride;
    (0..k)
        .map(|i| {
            let rows: Vec<usize> = (0..n)
                .filter(|&j| {
                    [y[j * stride], y[j * stride + 1 + i], y[j * stride + k + 1]]
                        .iter()
                        .all(|x| x.is_finite())
                })
                .collect();
            let undefined = n - rows.len();
            let draws: Vec<Vec<usize>> = (0..resamples)
                .map(|_| {
                    (0..rows.len())
                        .map(|_| rows[rng::below(rng, rows.len().max(1) as u32) as usize])
                        .collect()
                })
                .collect();
            if rows.is_empty() {
                return Sobol {
                    s1: f64::NAN,
                    s1_conf: f64::NAN,
                    st: f64::NAN,
                    st_conf: f64::NAN,
                    rows: 0,
                    undefined,
                    constant: false,
                };
            }
            let Some((s1, st)) = sobol_point(y, k, i, &rows) else {
                return Sobol {
                    s1: 0.0,
                    s1_conf: 0.0,
                    st: 0.0,
                    st_conf: 0.0,
                    rows: rows.len(),
                    undefined,
                    constant: true,
                };
            };
            let boot: Vec<(f64, f64)> = draws.iter().filter_map(|r| sobol_point(y, k, i, r)).collect();
            let conf = |f: fn(&(f64, f64)) -> f64| {
                let v: Vec<f64> = boot.iter().map(f).filter(|x| x.is_finite()).collect();
                if v.len() < 2 {
                    f64::NAN
                } else {
                    Z95 * mean_sd(&v).1 + 0.0
                }
            };
            Sobol {
                s1,
                s1_conf: conf(|b| b.0),
                st,
                st_conf: conf(|b| b.1),
                rows: rows.len(),
                undefined,
                constant: false,
            }
        })
        .collect()
}

/// The noise floor of Sobol indices: the share of the variance of the point means that is
/// replicate noise, mean(sd^2 / n) over the A and B points divided by the variance of their means
/// (`var_of_mean` as for [`morris_noise_floor`]). Jansen's ST of a parameter that changes nothing
/// estimates exactly this share, and every ST carries it on top of the parameter's own; S1 is
/// unbiased by noise but scatters by about as much. NaN when unknown (one replicate a point) or
/// when the means do not vary.
pub fn sobol_noise_floor(y: &[f64], var_of_mean: &[f64], k: usize) -> f64 {
    let stride = k + 2;
    let n = y.len() / stride;
    let idx: Vec<usize> = (0..n)
        .flat_map(|j| [j * stride, j * stride + k + 1])
        .filter(|&p| y[p].is_finite() && var_of_mean[p].is_finite())
        .collect();
    if idx.len() < 2 {
        return f64::NAN;
    }
    let means: Vec<f64> = idx.iter().map(|&p| y[p]).collect();
    let (m, _) = mean_sd(&means);
    let var = compensated_sum(means.iter().map(|x| (x - m) * (x - m))) / means.len() as f64;
    let noise = compensated_sum(idx.iter().map(|&p| var_of_mean[p])) / idx.len() as f64;
    if var > 0.0 { noise / var } else { f64::NAN }
}

#[cfg(test)]
mod tests {
    use super::super::design;
    use super::*;
    use std::f64::consts::PI;

    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    #[test]
    fn sobol_recovers_the_ishigami_indices() {
        // Analytic values for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008).
        let s1_true = [0.3139, 0.4424, 0.0];
        let st_true = [0.5576, 0.4424, 0.2437];
        let k = 3;
        let n = 8192;
        let unit = design::saltelli_unit(n, k, 7);
        let range = design::Range {
            min: -PI,
            max: PI,
            integer: false,
        };
        let x = design::scale(&unit, &[range; 3]);
        let y: Vec<f64> = x.iter().map(|p| ishigami(p)).collect();
        let mut rng = rng::generator(11);
        let s = sobol(&y, k, 200, &mut rng);
        assert!(s.iter().all(|r| r.rows == n && r.undefined == 0 && !r.constant));
        for i in 0..k {
            // Tolerance: 0.03, about twice the estimators' standard error at N = 8192.
            assert!(
                (s[i].s1 - s1_true[i]).abs() < 0.03,
                "S1[{i}] = {} (true {})",
                s[i].s1,
                s1_true[i]
            );
            assert!(
                (s[i].st - st_true[i]).abs() < 0.03,
                "ST[{i}] = {} (true {})",
                s[i].st,
                st_true[i]
            );
            assert!(s[i].s1_conf > 0.0 && s[i].s1_conf < 0.1 && s[i].st_conf > 0.0 && s[i].st_conf < 0.1);
        }
    }

    #[test]
    fn morris_separates_linear_nonlinear_and_inert_inputs() {
        // y = 2 x0 + 4 (x1 - 0.5)^2 + 0 x2 on [0, 1]^3.
        let f = |x: &[f64]| 2.0 * x[0] + 4.0 * (x[1] - 0.5).powi(2);
        let mut rng = rng::generator(12);
        let unit = design::morris_unit(40, 3, 4, &mut rng);
        let y: Vec<f64> = unit.iter().map(|p| f(p)).collect();
        let m = morris(&unit, &y, 3, 100, &mut rng);
        assert!(
            (m[0].mu_star - 2.0).abs() < 1e-9 && m[0].sigma < 1e-9,
            "linear: {:?}",
            m[0]
        );
        assert!(m[1].mu_star > 0.5 && m[1].sigma > 0.5, "non-linear: {:?}", m[1]);
        assert!(
            m[2].mu_star.abs() < 1e-12 && m[2].sigma.abs() < 1e-12,
            "inert: {:?}",
            m[2]
        );
    }

    /// y = x0 + noise of sd 0.1 (a point mean of one noisy draw), x1 and x2 inert.
    fn noisy(x: &[f64], rng: &mut Rng) -> f64 {
        let (u1, u2) = (rng::uniform(rng).max(1e-300), rng::uniform(rng));
        x[0] + 0.1 * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    #[test]
    fn inert_inputs_sit_at_the_noise_floor() {
        let mut rng = rng::generator(21);
        let unit = design::morris_unit(400, 3, 4, &mut rng);
        let y: Vec<f64> = unit.iter().map(|p| noisy(p, &mut rng)).collect();
        let var = vec![0.01; y.len()];
        let m = morris(&unit, &y, 3, 100, &mut rng);
        let floor = morris_noise_floor(&unit, &var, 3);
        // sqrt(2/pi) sqrt(0.02) / (2/3) = 0.169.
        assert!((floor - 0.1693).abs() < 1e-3, "{floor}");
        for r in &m[1..] {
            assert!((r.mu_star - floor).abs() < 2.0 * r.mu_star_conf, "{r:?} vs {floor}");
        }
        assert!(m[0].mu_star - m[0].mu_star_conf > 3.0 * floor, "{:?}", m[0]);
        // Sobol: the noise share is 0.01 / (1/12 + 0.01) = 0.107, and an inert key's ST is it.
        let unit = design::saltelli_unit(4096, 3, 5);
        let y: Vec<f64> = unit.iter().map(|p| noisy(p, &mut rng)).collect();
        let var = vec![0.01; y.len()];
        let eta = sobol_noise_floor(&y, &var, 3);
        assert!((eta - 0.107).abs() < 0.01, "{eta}");
        let s = sobol(&y, 3, 100, &mut rng);
        for r in &s[1..] {
            assert!(
                (r.st - eta).abs() < r.st_conf + 0.01 && r.s1.abs() < r.s1_conf + 0.01,
                "{r:?} vs {eta}"
            );
        }
        assert!(sobol_noise_floor(&y, &vec![f64::NAN; y.len()], 3).is_nan());
        assert!(morris_noise_floor(&unit[..4], &[f64::NAN; 4], 3).is_nan());
    }

    #[test]
    fn a_constant_output_gives_zero_and_undefined_outputs_are_counted() {
        let mut rng = rng::generator(22);
        let unit = design::morris_unit(6, 2, 4, &mut rng);
        let m = morris(&unit, &vec![0.25; unit.len()], 2, 50, &mut rng);
        for r in &m {
            assert_eq!(
                (r.mu_star.to_bits(), r.mu.to_bits(), r.sigma.to_bits()),
                (0, 0, 0),
                "{r:?}"
            );
            assert_eq!((r.effects, r.undefined, r.mu_star_conf.to_bits()), (6, 0, 0));
        }
        // The output undefined at the first point of every trajectory: one effect of each
        // trajectory is lost, to whichever parameter moved first.
        let mut y: Vec<f64> = unit.iter().map(|p| p[0]).collect();
        for t in 0..6 {
            y[t * 3] = f64::NAN;
        }
        let m = morris(&unit, &y, 2, 50, &mut rng);
        assert_eq!(m[0].undefined + m[1].undefined, 6);
        assert_eq!(m[0].effects + m[1].effects, 6);
        let m = morris(&unit, &vec![f64::NAN; unit.len()], 2, 50, &mut rng);
        assert!(m[0].mu_star.is_nan() && m[0].effects == 0 && m[0].undefined == 6);
        let unit = design::saltelli_unit(16, 2, 1);
        let s = sobol(&vec![3.0; unit.len()], 2, 50, &mut rng);
        assert!(
            s.iter()
                .all(|r| r.constant && r.s1.to_bits() == 0 && r.st.to_bits() == 0 && r.st_conf == 0.0)
        );
        let mut y: Vec<f64> = unit.iter().map(|p| p[0] + p[1] * p[1]).collect();
        y[1] = f64::NAN; // AB_0 of row 0
        y[4 + 3] = f64::NAN; // B of row 1: both parameters lose the row
        let s = sobol(&y, 2, 50, &mut rng);
        assert_eq!((s[0].rows, s[0].undefined, s[1].rows, s[1].undefined), (14, 2, 15, 1));
        assert!(s.iter().all(|r| r.s1.is_finite() && r.st.is_finite()));
    }
}

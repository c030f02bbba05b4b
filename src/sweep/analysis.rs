//! Sensitivity estimators: Morris elementary effects and Sobol indices (Saltelli/Jansen), with
//! bootstrap confidence intervals. Pure functions of the design and the outputs, tested against
//! functions whose answers are known.

use crate::rng::{self, Rng};

/// Morris screening of one output: per parameter, mu* (mean |EE|), mu (mean EE), sigma (sd EE).
/// Elementary effects are per unit of the parameter's range (inputs scaled to [0, 1]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Morris {
    pub mu_star: f64,
    pub mu: f64,
    pub sigma: f64,
}

/// `unit`: the design in unit coordinates (trajectories of k+1 points); `y`: the output at each point.
pub fn morris(unit: &[Vec<f64>], y: &[f64], k: usize) -> Vec<Morris> {
    let mut effects: Vec<Vec<f64>> = vec![Vec::new(); k];
    for (traj_x, traj_y) in unit.chunks(k + 1).zip(y.chunks(k + 1)) {
        for s in 0..k {
            let Some(j) = (0..k).find(|&j| (traj_x[s + 1][j] - traj_x[s][j]).abs() > 1e-12) else {
                continue;
            };
            let step = traj_x[s + 1][j] - traj_x[s][j];
            let ee = (traj_y[s + 1] - traj_y[s]) / step;
            if ee.is_finite() {
                effects[j].push(ee);
            }
        }
    }
    effects
        .iter()
        .map(|e| {
            let n = e.len() as f64;
            if e.is_empty() {
                return Morris {
                    mu_star: f64::NAN,
                    mu: f64::NAN,
                    sigma: f64::NAN,
                };
            }
            let mu = e.iter().sum::<f64>() / n;
            let mu_star = e.iter().map(|x| x.abs()).sum::<f64>() / n;
            let sigma = if e.len() > 1 {
                (e.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
            } else {
                0.0
            };
            Morris { mu_star, mu, sigma }
        })
        .collect()
}

/// Sobol indices of one parameter: first-order S1 and total ST, each with the half-width of its
/// 95% bootstrap interval (1.96 times the bootstrap standard deviation, as SALib reports).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sobol {
    pub s1: f64,
    pub s1_conf: f64,
    pub st: f64,
    pub st_conf: f64,
}

/// Estimates from rows `rows` of the Saltelli blocks: S1 (Saltelli 2010) and ST (Jansen 1999).
fn sobol_point(y: &[f64], k: usize, i: usize, rows: &[usize]) -> (f64, f64) {
    let stride = k + 2;
    let n = rows.len() as f64;
    let (mut mean, mut sq) = (0.0, 0.0);
    for &j in rows {
        let (a, b) = (y[j * stride], y[j * stride + k + 1]);
        mean += a + b;
        sq += a * a + b * b;
    }
    mean /= 2.0 * n;
    let var = sq / (2.0 * n) - mean * mean;
    let (mut s1, mut st) = (0.0, 0.0);
    for &j in rows {
        let (a, ab, b) = (y[j * stride], y[j * stride + 1 + i], y[j * stride + k + 1]);
        s1 += b * (ab - a);
        st += (a - ab) * (a - ab);
    }
    (s1 / n / var, 0.5 * st / n / var)
}

/// Sobol indices for `k` parameters from outputs in Saltelli order (`n` blocks of k + 2).
pub fn sobol(y: &[f64], k: usize, resamples: usize, rng: &mut Rng) -> Vec<Sobol> {
    let n = y.len() / (k + 2);
    let all: Vec<usize> = (0..n).collect();
    let draws: Vec<Vec<usize>> = (0..resamples)
        .map(|_| (0..n).map(|_| rng::below(rng, n as u32) as usize).collect())
        .collect();
    (0..k)
        .map(|i| {
            let (s1, st) = sobol_point(y, k, i, &all);
            let boot: Vec<(f64, f64)> = draws.iter().map(|rows| sobol_point(y, k, i, rows)).collect();
            let sd = |f: fn(&(f64, f64)) -> f64| {
                let v: Vec<f64> = boot.iter().map(f).filter(|x| x.is_finite()).collect();
                let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
                (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len().max(2) - 1) as f64).sqrt()
            };
            Sobol {
                s1,
                s1_conf: 1.96 * sd(|b| b.0),
                st,
                st_conf: 1.96 * sd(|b| b.1),
            }
        })
        .collect()
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
        let m = morris(&unit, &y, 3);
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
}

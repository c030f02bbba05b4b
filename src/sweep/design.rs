//! Experimental designs: where in parameter space a sweep runs. Pure functions of the sweep's
//! parameters and seed; every point is a vector of values in the parameters' own units.
//!
//! - grid: every combination of each parameter's values (the first parameter varies slowest);
//! - lhs: Latin hypercube (McKay, Beckman & Conover 1979): each parameter's range cut into
//!   `samples` strata, one point per stratum, strata paired at random;
//! - morris: `samples` trajectories of k+1 points on a `levels`-level grid (Morris 1991), each
//!   moving one parameter at a time by Δ = levels / (2 (levels - 1)) of its range;
//! - sobol: Saltelli's scheme (Saltelli 2002; 2010) on an Owen-scrambled Sobol sequence
//!   (Burley 2020): for each of N base rows, A, then AB_1..AB_k (A with column i from B), then B:
//!   N (k + 2) points, the order SALib uses without second-order indices.

use crate::rng::{self, Rng};

/// A parameter's range for designs that sample it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// The lowest value, in the key's unit (`params::SPECS`).
    pub min: f64,
    /// The highest value, in the key's unit; at least `min`.
    pub max: f64,
    /// Integer parameters are rounded to the nearest whole number after sampling.
    pub integer: bool,
}

impl Range {
    /// The value at `u` in [0, 1] of the range.
    pub fn at(&self, u: f64) -> f64 {
        let x = self.min + u * (self.max - self.min);
        if self.integer { x.round() } else { x }
    }
}

/// Every combination of the values, the first list varying slowest.
pub fn grid(values: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let mut points = vec![Vec::new()];
    for list in values {
        let mut next = Vec::with_capacity(points.len() * list.len());
        for p in &points {
            for v in list {
                let mut q = p.clone();
                q.push(*v);
                next.push(q);
            }
        }
        points = next;
    }
    points
}

/// `steps` evenly spaced values from min to max inclusive (one step: min alone).
pub fn linspace(min: f64, max: f64, steps: usize) -> Vec<f64> {
    if steps <= 1 {
        return vec![min];
    }
    (0..steps)
        .map(|i| min + (max - min) * i as f64 / (steps - 1) as f64)
        .collect()
}

/// Latin hypercube of `n` points, in unit coordinates.
pub fn lhs_unit(n: usize, k: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; k]; n];
    for j in 0..k {
        let mut strata: Vec<usize> = (0..n).collect();
        // Fisher-Yates with the sweep's own generator.
        for i in (1..n).rev() {
            let r = rng::below(rng, (i + 1) as u32) as usize;
            strata.swap(i, r);
        }
        for (i, p) in points.iter_mut().enumerate() {
            p[j] = (strata[i] as f64 + rng::uniform(rng)) / n as f64;
        }
    }
    points
}

/// Morris trajectories in unit coordinates: `r` trajectories of `k + 1` points each, in order.
pub fn morris_unit(r: usize, k: usize, levels: usize, rng: &mut Rng) -> Vec<Vec<f64>> {
    let p = levels as f64;
    let delta = p / (2.0 * (p - 1.0));
    // Starting levels from which a step of +delta stays inside [0, 1].
    let starts: Vec<f64> = (0..levels)
        .map(|l| l as f64 / (p - 1.0))
        .filter(|x| *x + delta <= 1.0 + 1e-12)
        .collect();
    let mut out = Vec::with_capacity(r * (k + 1));
    for _ in 0..r {
        let mut x: Vec<f64> = (0..k)
            .map(|_| starts[rng::below(rng, starts.len() as u32) as usize])
            .collect();
        // Directions: start low and step up, or start high and step down, with equal chance.
        let up: Vec<bool> = (0..k).map(|_| rng::chance(rng, 0.5)).collect();
        for j in 0..k {
            if !up[j] {
                x[j] += delta;
            }
        }
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = rng::below(rng, (i + 1) as u32) as usize;
            order.swap(i, j);
        }
        out.push(x.clone());
        for &j in &order {
            x[j] += if up[j] { delta } else { -delta };
            out.push(x.clone());
        }
    }
    out
}

/// Saltelli's points in unit coordinates for base size `n` and `k` parameters.
pub fn saltelli_unit(n: usize, k: usize, seed: u32) -> Vec<Vec<f64>> {
    let mut out = Vec::with_capacity(n * (k + 2));
    for j in 0..n {
        let a: Vec<f64> = (0..k)
            .map(|i| f64::from(sobol_burley::sample(j as u32, i as u32, seed)))
            .collect();
        let b: Vec<f64> = (0..k)
            .map(|i| f64::from(sobol_burley::sample(j as u32, (k + i) as u32, seed)))
            .collect();
        out.push(a.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            out.push(ab);
        }
        out.push(b);
    }
    out
}

/// Map unit coordinates to parameter values.
pub fn scale(unit: &[Vec<f64>], ranges: &[Range]) -> Vec<Vec<f64>> {
    unit.iter()
        .map(|u| u.iter().zip(ranges).map(|(x, r)| r.at(*x)).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_varies_the_first_parameter_slowest() {
        let g = grid(&[vec![1.0, 2.0], vec![10.0, 20.0, 30.0]]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![1.0, 10.0]);
        assert_eq!(g[1], vec![1.0, 20.0]);
        assert_eq!(g[3], vec![2.0, 10.0]);
        let l = linspace(0.2, 0.8, 4);
        assert!(l.len() == 4 && l[0] == 0.2 && l[3] == 0.8 && (l[1] - 0.4).abs() < 1e-12 && (l[2] - 0.6).abs() < 1e-12);
        assert_eq!(linspace(3.0, 9.0, 1), vec![3.0]);
    }

    #[test]
    fn lhs_puts_one_point_in_each_stratum() {
        let mut rng = rng::generator(5);
        let pts = lhs_unit(50, 3, &mut rng);
        for j in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[j] * 50.0).floor() as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..50).collect::<Vec<_>>());
        }
    }

    #[test]
    fn morris_trajectories_move_one_parameter_by_delta() {
        let mut rng = rng::generator(6);
        let (k, levels) = (4, 4);
        let pts = morris_unit(10, k, levels, &mut rng);
        assert_eq!(pts.len(), 10 * (k + 1));
        let delta = 4.0 / 6.0;
        for t in 0..10 {
            let traj = &pts[t * (k + 1)..(t + 1) * (k + 1)];
            let mut moved = vec![false; k];
            for s in 0..k {
                let diff: Vec<usize> = (0..k)
                    .filter(|&j| (traj[s + 1][j] - traj[s][j]).abs() > 1e-12)
                    .collect();
                assert_eq!(diff.len(), 1);
                assert!(((traj[s + 1][diff[0]] - traj[s][diff[0]]).abs() - delta).abs() < 1e-12);
                moved[diff[0]] = true;
            }
            assert!(moved.iter().all(|m| *m));
            assert!(traj.iter().flatten().all(|x| (-1e-12..=1.0 + 1e-12).contains(x)));
        }
    }

    #[test]
    fn saltelli_rows_share_all_but_one_column_with_a() {
        let pts = saltelli_unit(8, 3, 1);
        assert_eq!(pts.len(), 8 * 5);
        for j in 0..8 {
            let block = &pts[j * 5..(j + 1) * 5];
            let (a, b) = (&block[0], &block[4]);
            for i in 0..3 {
                for c in 0..3 {
                    let expected = if c == i { b[c] } else { a[c] };
                    assert_eq!(block[1 + i][c], expected);
                }
            }
        }
    }
}

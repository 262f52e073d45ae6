//! HOTSPOTS(cursor, windowSize, scanRadius, minimumNumberOfPointsInAHotspot) (reference D):
//! over the last `windowSize` rows (their numeric columns as points), the dense regions —
//! points with at least `minimumNumberOfPointsInAHotspot` points (themselves included) within
//! `scanRadius`, joined with the points they reach, as DBSCAN finds clusters. Each row comes out
//! with HOTSPOTS_RESULT, the JSON AWS writes: `{"hotspots":[{"density":…,"minValues":[…],
//! "maxValues":[…]}]}`, densest first. Density is the hotspot's points over its size: the volume
//! of its bounding box, each side at least `scanRadius` (a flat side has no volume).

use std::collections::VecDeque;

/// One hotspot: its bounding box and density.
#[derive(Debug, Clone, PartialEq)]
pub struct Hotspot {
    pub density: f64,
    pub min_values: Vec<f64>,
    pub max_values: Vec<f64>,
    pub points: usize,
}

/// The detector's parameters and its window of points.
#[derive(Debug, Clone)]
pub struct Hotspots {
    window_size: usize,
    scan_radius: f64,
    min_points: usize,
    window: VecDeque<Vec<f64>>,
}

impl Hotspots {
    /// The detector `args` describe (`windowSize, scanRadius, minimumNumberOfPointsInAHotspot`).
    pub fn new(args: &[String]) -> Result<Self, String> {
        let [window, radius, min_points] = args else {
            return Err(format!(
                "HOTSPOTS takes (CURSOR(…), windowSize, scanRadius, \
                 minimumNumberOfPointsInAHotspot), {} parameters given",
                args.len()
            ));
        };
        let window_size: usize = window
            .parse()
            .map_err(|_| format!("windowSize must be a whole number, not {window}"))?;
        if !(100..=1_000).contains(&window_size) {
            return Err(format!(
                "windowSize must be between 100 and 1000, not {window_size}"
            ));
        }
        let scan_radius: f64 = radius
            .parse()
            .map_err(|_| format!("scanRadius must be a number, not {radius}"))?;
        if !(scan_radius.is_finite() && scan_radius > 0.0) {
            return Err(format!("scanRadius must be greater than 0, not {radius}"));
        }
        let min_points: usize = min_points.parse().map_err(|_| {
            format!("minimumNumberOfPointsInAHotspot must be a whole number, not {min_points}")
        })?;
        if !(2..=window_size).contains(&min_points) {
            return Err(format!(
                "minimumNumberOfPointsInAHotspot must be between 2 and windowSize \
                 ({window_size}), not {min_points}"
            ));
        }
        Ok(Self {
            window_size,
            scan_radius,
            min_points,
            window: VecDeque::new(),
        })
    }

    /// Adds a point to the window (the oldest leaves a full one) and finds the hotspots now.
    pub fn add(&mut self, point: Vec<f64>) -> Vec<Hotspot> {
        self.window.push_back(point);
        if self.window.len() > self.window_size {
            self.window.pop_front();
        }
        self.find()
    }

    /// DBSCAN over the window.
    fn find(&self) -> Vec<Hotspot> {
        let points: Vec<&Vec<f64>> = self.window.iter().collect();
        let n = points.len();
        let r2 = self.scan_radius * self.scan_radius;
        let near = |a: &Vec<f64>, b: &Vec<f64>| {
            a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f64>() <= r2
        };
        // Sorted along the first axis, a point's neighbours lie within a radius of it there:
        // only those are measured (a sweep, not every pair).
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| points[a][0].total_cmp(&points[b][0]));
        let mut neighbours: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        for (k, &i) in order.iter().enumerate() {
            for &j in &order[k + 1..] {
                if points[j][0] - points[i][0] > self.scan_radius {
                    break;
                }
                if near(points[i], points[j]) {
                    neighbours[i].push(j);
                    neighbours[j].push(i);
                }
            }
        }
        let core: Vec<bool> = neighbours
            .iter()
            .map(|n| n.len() >= self.min_points)
            .collect();
        let mut cluster_of: Vec<Option<usize>> = vec![None; n];
        let mut clusters: Vec<Vec<usize>> = Vec::new();
        for start in 0..n {
            if !core[start] || cluster_of[start].is_some() {
                continue;
            }
            let id = clusters.len();
            let mut members = Vec::new();
            let mut frontier = vec![start];
            cluster_of[start] = Some(id);
            while let Some(p) = frontier.pop() {
                members.push(p);
                if !core[p] {
                    continue;
                }
                for &q in &neighbours[p] {
                    if cluster_of[q].is_none() {
                        cluster_of[q] = Some(id);
                        frontier.push(q);
                    }
                }
            }
            clusters.push(members);
        }
        let mut hotspots: Vec<Hotspot> = clusters
            .iter()
            .map(|members| self.describe(members.iter().map(|&i| points[i])))
            .collect();
        hotspots.sort_by(|a, b| b.density.total_cmp(&a.density));
        hotspots
    }

    fn describe<'a>(&self, members: impl Iterator<Item = &'a Vec<f64>>) -> Hotspot {
        let mut min_values: Vec<f64> = Vec::new();
        let mut max_values: Vec<f64> = Vec::new();
        let mut count = 0;
        for point in members {
            count += 1;
            if min_values.is_empty() {
                min_values = point.clone();
                max_values = point.clone();
                continue;
            }
            for (d, value) in point.iter().enumerate() {
                min_values[d] = min_values[d].min(*value);
                max_values[d] = max_values[d].max(*value);
            }
        }
        let size: f64 = min_values
            .iter()
            .zip(&max_values)
            .map(|(lo, hi)| (hi - lo).max(self.scan_radius))
            .product();
        Hotspot {
            density: count as f64 / size,
            min_values,
            max_values,
            points: count,
        }
    }
}

/// HOTSPOTS_RESULT: the hotspots as AWS's JSON.
pub fn result_json(hotspots: &[Hotspot]) -> String {
    let list: Vec<serde_json::Value> = hotspots
        .iter()
        .map(|h| {
            serde_json::json!({
                "density": h.density,
                "maxValues": h.max_values,
                "minValues": h.min_values,
            })
        })
        .collect();
    serde_json::json!({ "hotspots": list }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(window: &str, radius: &str, min: &str) -> Vec<String> {
        vec![window.into(), radius.into(), min.into()]
    }

    #[test]
    fn parameters_out_of_aws_ranges_are_refused() {
        assert!(Hotspots::new(&args("99", "0.2", "17")).is_err());
        assert!(Hotspots::new(&args("1001", "0.2", "17")).is_err());
        assert!(Hotspots::new(&args("100", "0", "17")).is_err());
        assert!(Hotspots::new(&args("100", "0.2", "1")).is_err());
        assert!(Hotspots::new(&args("100", "0.2", "101")).is_err());
        assert!(Hotspots::new(&args("1000", "0.2", "17")).is_ok());
    }

    #[test]
    fn a_dense_cluster_among_scattered_points_is_one_hotspot_with_its_bounds() {
        let mut detector = Hotspots::new(&args("100", "0.5", "5")).unwrap();
        let mut found = Vec::new();
        // Scattered points on a coarse grid, two units apart: none has a neighbour.
        for i in 0..25 {
            found = detector.add(vec![f64::from(i % 5) * 2.0, f64::from(i / 5) * 2.0 + 20.0]);
        }
        assert!(found.is_empty());
        // Ten points within 0.2 of (3, 7).
        for i in 0..10 {
            let d = f64::from(i) * 0.02;
            found = detector.add(vec![3.0 + d, 7.0 - d]);
        }
        assert_eq!(found.len(), 1, "{found:?}");
        let hotspot = &found[0];
        assert_eq!(hotspot.points, 10);
        let spread = 9.0 * 0.02;
        assert_eq!(hotspot.min_values, vec![3.0, 7.0 - spread]);
        assert_eq!(hotspot.max_values, vec![3.0 + spread, 7.0]);
        assert!((hotspot.density - 10.0 / 0.25).abs() < 1e-9);
        let json: serde_json::Value = serde_json::from_str(&result_json(&found)).unwrap();
        assert_eq!(json["hotspots"][0]["minValues"][0], 3.0);
    }
}

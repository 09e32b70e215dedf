//! One SVG per dataset: size against encode + decode time, every row a point
//! (typed ●, dynamic ▲, Python ✕), the Pareto front (no other point is both
//! smaller and faster) as a red line through ringed points, and the limits
//! (raw size, memcpy) as dashed lines. Drawn with plotters' SVG backend and
//! its built-in text estimate, so no system font is needed.

use super::bench_model::{DatasetReport, RowReport};
use plotters::prelude::*;

/// Indices of the Pareto-optimal points of `(x, y)` (both minimised), in
/// increasing `x`.
pub fn pareto_front(points: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[a].1.total_cmp(&points[b].1))
    });
    let mut best_y = f64::INFINITY;
    let mut front = Vec::new();
    for i in order {
        if points[i].1 < best_y {
            best_y = points[i].1;
            front.push(i);
        }
    }
    front
}

/// Short point label: `rmp-serde typed`, `py pickle`.
fn label(r: &RowReport) -> String {
    match r.implementation.strip_prefix("python ") {
        Some(lib) => format!("py {lib}"),
        None => {
            let name = r
                .implementation
                .split('/')
                .nth(1)
                .unwrap_or(&r.implementation);
            let path = if r.path == "typed" { "T" } else { "D" };
            format!("{name} {path}")
        }
    }
}

/// The plot of `ds` as an SVG document.
pub fn svg(ds: &DatasetReport) -> Result<String, String> {
    let rows: Vec<&RowReport> = ds.rows.iter().chain(&ds.python).collect();
    let us = |ns: f64| ns / 1e3;
    let kib = |b: u64| b as f64 / 1024.0;
    let points: Vec<(f64, f64)> = rows
        .iter()
        .map(|r| (us(r.roundtrip_ns()), kib(r.size)))
        .collect();
    let front = pareto_front(&points);
    let memcpy = us(2.0 * ds.memcpy.median_ns);
    let raw = kib(ds.raw_size);
    let x_min = points.iter().map(|p| p.0).fold(memcpy, f64::min) / 1.5;
    let x_max = points.iter().map(|p| p.0).fold(memcpy, f64::max) * 3.0;
    let y_max = points.iter().map(|p| p.1).fold(raw, f64::max) * 1.1;

    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (760, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("{}: size vs encode + decode time", ds.name),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((x_min..x_max).log_scale(), 0.0..y_max)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("encode + decode time, µs (log scale)")
            .y_desc("encoded size, KiB")
            .draw()
            .map_err(|e| e.to_string())?;
        let dashed = |color: RGBColor, line: Vec<(f64, f64)>| {
            DashedLineSeries::new(line, 6, 4, color.stroke_width(1))
        };
        chart
            .draw_series(dashed(BLACK, vec![(x_min, raw), (x_max, raw)]))
            .map_err(|e| e.to_string())?
            .label("raw information size")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLACK));
        chart
            .draw_series(dashed(BLUE, vec![(memcpy, 0.0), (memcpy, y_max)]))
            .map_err(|e| e.to_string())?
            .label("memcpy × 2")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE));
        let front_line: Vec<(f64, f64)> = front.iter().map(|&i| points[i]).collect();
        chart
            .draw_series(LineSeries::new(front_line.clone(), RED.stroke_width(2)))
            .map_err(|e| e.to_string())?
            .label("Pareto front")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
        chart
            .draw_series(
                front_line
                    .iter()
                    .map(|&p| Circle::new(p, 8, RED.stroke_width(2))),
            )
            .map_err(|e| e.to_string())?;
        for (r, &p) in rows.iter().zip(&points) {
            let style = match r.path.as_str() {
                "typed" => RGBColor(31, 119, 180).filled(),
                "dynamic" => RGBColor(255, 127, 14).filled(),
                _ => RGBColor(44, 160, 44).stroke_width(2),
            };
            let marker: DynElement<'_, SVGBackend<'_>, (f64, f64)> = match r.path.as_str() {
                "typed" => Circle::new(p, 4, style).into_dyn(),
                "dynamic" => TriangleMarker::new(p, 5, style).into_dyn(),
                _ => Cross::new(p, 5, style).into_dyn(),
            };
            chart
                .draw_series(std::iter::once(marker))
                .map_err(|e| e.to_string())?;
            chart
                .draw_series(std::iter::once(Text::new(
                    label(r),
                    (p.0 * 1.04, p.1),
                    ("sans-serif", 11),
                )))
                .map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .position(SeriesLabelPosition::LowerRight)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::pareto_front;

    #[test]
    fn front_keeps_only_undominated_points() {
        let pts = [(1.0, 10.0), (2.0, 5.0), (3.0, 7.0), (4.0, 1.0), (2.0, 6.0)];
        assert_eq!(pareto_front(&pts), vec![0, 1, 3]);
    }
}

//! Helpers the small load-test binaries share (each includes this file with `#[path]`).

/// The nearest-rank percentile `p` (0..=1) of `v`, sorting it in place; 0 when empty.
pub fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len()) - 1;
    v[i]
}

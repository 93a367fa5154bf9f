//! Erlang C: the queueing model behind the wallboard's estimated wait and "agents needed now".
//! Calls arrive at `rate` per second and each holds an agent for `aht_s` seconds on average, so
//! the offered load is `A = rate × aht_s` Erlangs; with `n` agents (n > A) a caller waits with
//! probability `P(wait) = C(n, A)`, the share answered within `t` seconds is
//! `SL(t) = 1 − P(wait)·e^(−(n − A)·t / aht_s)`, and the mean wait over all callers is
//! `ASA = P(wait)·aht_s / (n − A)`. With n ≤ A the queue grows without bound (과부하).
//! `C` comes from the Erlang B recursion (no factorials, stable for thousands of agents).

/// Offered load in Erlangs.
pub fn load(rate_per_s: f64, aht_s: f64) -> f64 {
    (rate_per_s * aht_s).max(0.0)
}

/// Erlang B: the blocking probability of `n` servers under load `a`.
pub fn erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Erlang C: the probability that a caller waits, or `None` when `n ≤ a` (overloaded).
pub fn p_wait(n: u32, a: f64) -> Option<f64> {
    let nf = n as f64;
    if a <= 0.0 {
        return Some(0.0);
    }
    if nf <= a {
        return None;
    }
    let b = erlang_b(n, a);
    Some(nf * b / (nf - a * (1.0 - b)))
}

/// The share of callers answered within `t_s` seconds (0–1), or `None` when overloaded.
pub fn service_level(n: u32, a: f64, aht_s: f64, t_s: f64) -> Option<f64> {
    let pw = p_wait(n, a)?;
    if aht_s <= 0.0 {
        return Some(1.0 - pw);
    }
    Some(1.0 - pw * (-(n as f64 - a) * t_s / aht_s).exp())
}

/// The mean wait over all callers, seconds, or `None` when overloaded.
pub fn asa(n: u32, a: f64, aht_s: f64) -> Option<f64> {
    let pw = p_wait(n, a)?;
    Some(pw * aht_s / (n as f64 - a))
}

/// The fewest agents whose service level within `t_s` reaches `target` (0–1); searched up to
/// `max` agents (`None` past it).
pub fn agents_needed(a: f64, aht_s: f64, t_s: f64, target: f64, max: u32) -> Option<u32> {
    if a <= 0.0 {
        return Some(0);
    }
    let first = a.floor() as u32 + 1;
    (first..=max.max(first))
        .find(|n| service_level(*n, a, aht_s, t_s).is_some_and(|sl| sl >= target))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, eps: f64) -> bool {
        (a - b).abs() < eps
    }

    #[test]
    fn published_case_100_calls_in_30_min_aht_180_14_agents() {
        let a = load(100.0 / 1800.0, 180.0);
        assert!(close(a, 10.0, 1e-12));
        let pw = p_wait(14, a).unwrap();
        assert!(close(pw, 0.1741319, 5e-8), "P(wait) {pw}");
        let sl = service_level(14, a, 180.0, 20.0).unwrap();
        assert!(close(sl * 100.0, 88.835, 5e-4), "SL {sl}");
        let asa = asa(14, a, 180.0).unwrap();
        assert!(close(asa, 7.836, 5e-4), "ASA {asa}");
    }

    #[test]
    fn published_case_360_calls_in_30_min_aht_240_55_agents() {
        let a = load(360.0 / 1800.0, 240.0);
        assert!(close(a, 48.0, 1e-9));
        let sl = service_level(55, a, 240.0, 15.0).unwrap();
        assert!(close(sl * 100.0, 84.588, 5e-4), "SL {sl}");
        let asa = asa(55, a, 240.0).unwrap();
        assert!(close(asa, 8.184, 5e-4), "ASA {asa}");
    }

    #[test]
    fn overload_has_no_answer_and_more_agents_means_shorter_waits() {
        assert_eq!(p_wait(10, 10.0), None, "n = A is overload");
        assert_eq!(asa(9, 10.0, 180.0), None);
        assert_eq!(p_wait(3, 0.0), Some(0.0), "no calls, no wait");
        let mut last = f64::MAX;
        for n in 11..30 {
            let w = asa(n, 10.0, 180.0).unwrap();
            assert!(w < last, "ASA falls as agents are added");
            last = w;
        }
    }

    #[test]
    fn agents_needed_is_the_smallest_n_meeting_the_target() {
        // 10 Erlangs, 20 s at 80 %: 13 agents give 78.6 %, 14 give 88.8 %.
        let sl13 = service_level(13, 10.0, 180.0, 20.0).unwrap();
        assert!(sl13 < 0.80, "{sl13}");
        assert_eq!(agents_needed(10.0, 180.0, 20.0, 0.80, 500), Some(14));
        assert_eq!(agents_needed(10.0, 180.0, 20.0, 0.88, 500), Some(14));
        assert_eq!(agents_needed(10.0, 180.0, 20.0, 0.90, 500), Some(15));
        assert_eq!(agents_needed(0.0, 180.0, 20.0, 0.80, 500), Some(0));
        assert_eq!(
            agents_needed(1000.0, 180.0, 20.0, 0.80, 50),
            None,
            "beyond the search"
        );
        // A large floor stays finite and exact enough.
        let n = agents_needed(1500.0, 240.0, 20.0, 0.80, 5000).unwrap();
        assert!((1500..1600).contains(&n), "{n}");
    }
}

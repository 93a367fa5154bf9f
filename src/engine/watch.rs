//! Agent-list subscriptions (`agents.watch`): which desk sockets have a list open, grouped by
//! filter, and which rows each filter is showing. The brand's `StatsActor` owns one `Watchers`;
//! on every rows tick it asks, once per filter (not per socket), for the rows that entered or
//! changed in it and the rows that left it, encodes that once and sends it to every socket of
//! the group. Desks without a list open get the counts only, so what the server sends grows
//! with what desks show, not with desks × agents. A socket whose writer has not taken its last
//! rows misses the next ones and is marked for a fresh `reset` instead (`resync`): a slow desk
//! holds at most one list frame in the server.

use crate::domain::model::AgentId;
use crate::domain::status::Status;
use crate::protocol::AgentRow;
use std::collections::{HashMap, HashSet};

/// Which statuses a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateFilter {
    Is(Status),
    /// 상담중: ready, ringing, on a call, wrap-up, dialing.
    InService,
    /// Everyone signed in (not logged out).
    SignedIn,
}

/// A list's filter: a service the agent serves, a status, and a fragment of the name, login or
/// extension (lower-cased). `None` everywhere is the whole brand.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AgentFilter {
    pub service: Option<String>,
    pub state: Option<StateFilter>,
    pub q: Option<String>,
}

/// Longest `q` accepted.
pub const Q_MAX: usize = 50;

impl AgentFilter {
    /// Reads a watch request's filter; the error names the field.
    pub fn parse(
        service: Option<&str>,
        state: Option<&str>,
        q: Option<&str>,
        services: &[String],
    ) -> Result<AgentFilter, String> {
        let service = match service.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) if services.iter().any(|c| c == s) => Some(s.to_string()),
            Some(s) => return Err(format!("service: 없는 서비스입니다: '{s}'")),
        };
        let state = match state.map(str::trim).filter(|s| !s.is_empty()) {
            None | Some("all") => None,
            Some("in_service") => Some(StateFilter::InService),
            Some("signed_in") => Some(StateFilter::SignedIn),
            Some(s) => match Status::parse(s) {
                Some(st) => Some(StateFilter::Is(st)),
                None => {
                    return Err(format!(
                        "state: 상태 이름(ready, on_call, …) 또는 in_service, signed_in, all이어야 합니다: '{s}'"
                    ))
                }
            },
        };
        let q = match q.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(q) if q.chars().count() <= Q_MAX => Some(q.to_lowercase()),
            Some(_) => return Err(format!("q: {Q_MAX}자까지입니다")),
        };
        Ok(AgentFilter { service, state, q })
    }

    /// Whether `row` (of an agent serving `services`, signing in as `login`) is in the list.
    pub fn matches(&self, row: &AgentRow, services: &[String], login: &str) -> bool {
        if let Some(s) = &self.service {
            if !services.contains(s) {
                return false;
            }
        }
        match self.state {
            None => {}
            Some(StateFilter::Is(st)) if row.status != st => return false,
            Some(StateFilter::InService) if !row.status.in_service() => return false,
            Some(StateFilter::SignedIn) if row.status == Status::LoggedOut => return false,
            Some(_) => {}
        }
        if let Some(q) = &self.q {
            let hit = row.name.to_lowercase().contains(q)
                || login.to_lowercase().contains(q)
                || row.extension.contains(q.as_str());
            if !hit {
                return false;
            }
        }
        true
    }
}

/// The sockets with the same filter, and the rows that filter shows now.
#[derive(Debug, Default)]
pub struct Group {
    /// socket id → its agent.
    pub sessions: HashMap<u64, AgentId>,
    pub visible: HashSet<AgentId>,
}

/// What one filter's sockets are to be told about a tick's changed rows.
#[derive(Debug, Default, PartialEq)]
pub struct Delta {
    pub changed: Vec<AgentId>,
    pub removed: Vec<AgentId>,
}

/// The brand's open lists: groups by filter, and each socket's filter.
#[derive(Debug, Default)]
pub struct Watchers {
    pub groups: HashMap<AgentFilter, Group>,
    by_session: HashMap<u64, AgentFilter>,
    /// Sockets that missed rows because their writer had not taken the previous ones (socket →
    /// its agent): they get no more changes, and a fresh `reset` once the writer catches up.
    pub resync: HashMap<u64, AgentId>,
}

impl Watchers {
    /// Opens (or re-filters) a socket's list; returns the rows to send it, in the given order.
    pub fn watch<'a>(
        &mut self,
        session: u64,
        agent_id: AgentId,
        filter: AgentFilter,
        rows: impl Iterator<Item = (&'a AgentRow, &'a [String], &'a str)>,
    ) -> Vec<AgentId> {
        self.unwatch(session);
        let ids: Vec<AgentId> = rows
            .filter(|(r, services, login)| filter.matches(r, services, login))
            .map(|(r, _, _)| r.agent_id)
            .collect();
        let group = self.groups.entry(filter.clone()).or_insert_with(|| Group {
            sessions: HashMap::new(),
            visible: ids.iter().copied().collect(),
        });
        group.sessions.insert(session, agent_id);
        self.by_session.insert(session, filter);
        ids
    }

    /// Closes a socket's list; false when it had none.
    pub fn unwatch(&mut self, session: u64) -> bool {
        self.resync.remove(&session);
        let Some(filter) = self.by_session.remove(&session) else {
            return false;
        };
        if let Some(g) = self.groups.get_mut(&filter) {
            g.sessions.remove(&session);
            if g.sessions.is_empty() {
                self.groups.remove(&filter);
            }
        }
        true
    }

    pub fn is_empty(&self) -> bool {
        self.by_session.is_empty()
    }

    /// A socket's filter, if it has a list open.
    pub fn filter_of(&self, session: u64) -> Option<&AgentFilter> {
        self.by_session.get(&session)
    }

    /// For one filter: which of the `changed` rows enter or change in it, which leave.
    /// `lookup` gives a row's current picture (None: the agent is gone).
    pub fn delta<'a>(
        filter: &AgentFilter,
        visible: &mut HashSet<AgentId>,
        changed: &[AgentId],
        lookup: impl Fn(AgentId) -> Option<(&'a AgentRow, &'a [String], &'a str)>,
    ) -> Delta {
        let mut d = Delta::default();
        for id in changed {
            let now_in = lookup(*id).is_some_and(|(r, s, l)| filter.matches(r, s, l));
            if now_in {
                visible.insert(*id);
                d.changed.push(*id);
            } else if visible.remove(id) {
                d.removed.push(*id);
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn row(id: AgentId, name: &str, status: Status) -> AgentRow {
        AgentRow {
            agent_id: id,
            name: name.into(),
            extension: format!("20{id:02}"),
            status,
            reason: None,
            since: Utc::now(),
            in_service: status.in_service(),
        }
    }

    #[test]
    fn filters_are_read_and_each_field_refused_by_name() {
        let svcs = vec!["main".to_string()];
        let f = AgentFilter::parse(Some("main"), Some("in_service"), Some(" 김 "), &svcs).unwrap();
        assert_eq!(f.service.as_deref(), Some("main"));
        assert_eq!(f.state, Some(StateFilter::InService));
        assert_eq!(f.q.as_deref(), Some("김"));
        assert_eq!(
            AgentFilter::parse(None, Some("all"), None, &svcs).unwrap(),
            AgentFilter::default()
        );
        assert!(AgentFilter::parse(Some("vip"), None, None, &svcs)
            .unwrap_err()
            .starts_with("service"));
        assert!(AgentFilter::parse(None, Some("asleep"), None, &svcs)
            .unwrap_err()
            .starts_with("state"));
        assert!(
            AgentFilter::parse(None, None, Some(&"가".repeat(51)), &svcs)
                .unwrap_err()
                .starts_with("q")
        );
    }

    #[test]
    fn a_watcher_hears_rows_entering_changing_and_leaving_its_filter() {
        let main = vec!["main".to_string()];
        let none: Vec<String> = vec![];
        let mut rows: HashMap<AgentId, (AgentRow, Vec<String>, String)> = HashMap::new();
        rows.insert(
            1,
            (row(1, "김민준", Status::Ready), main.clone(), "a1".into()),
        );
        rows.insert(
            2,
            (row(2, "이서연", Status::Aux), main.clone(), "a2".into()),
        );
        rows.insert(
            3,
            (row(3, "박지훈", Status::Ready), none.clone(), "a3".into()),
        );
        let filter = AgentFilter::parse(Some("main"), Some("ready"), None, &main).unwrap();
        let mut ws = Watchers::default();
        let mut ordered: Vec<_> = rows.values().collect();
        ordered.sort_by_key(|(r, _, _)| r.agent_id);
        let first = ws.watch(
            7,
            1,
            filter.clone(),
            ordered
                .into_iter()
                .map(|(r, s, l)| (r, s.as_slice(), l.as_str())),
        );
        assert_eq!(first, vec![1], "only main's ready agents");
        // Agent 1 goes on a call (leaves), agent 2 becomes ready (enters).
        rows.get_mut(&1).unwrap().0.status = Status::OnCall;
        rows.get_mut(&2).unwrap().0.status = Status::Ready;
        // A second socket with the same filter joins the same group.
        ws.watch(8, 2, filter.clone(), std::iter::empty());
        assert_eq!(ws.groups.len(), 1);
        assert_eq!(ws.groups[&filter].sessions.len(), 2);
        let g = ws.groups.get_mut(&filter).unwrap();
        let d = Watchers::delta(&filter, &mut g.visible, &[1, 2, 3], |id| {
            rows.get(&id).map(|(r, s, l)| (r, s.as_slice(), l.as_str()))
        });
        assert_eq!(
            d,
            Delta {
                changed: vec![2],
                removed: vec![1]
            }
        );
        // Leaving twice is told once.
        let d = Watchers::delta(&filter, &mut g.visible, &[1], |id| {
            rows.get(&id).map(|(r, s, l)| (r, s.as_slice(), l.as_str()))
        });
        assert_eq!(d, Delta::default());
        assert!(ws.unwatch(7));
        assert!(!ws.unwatch(7));
        assert_eq!(ws.groups.len(), 1, "socket 8 still watches");
        assert!(ws.unwatch(8));
        assert!(ws.groups.is_empty() && ws.is_empty());
    }
}

//! Floor control by managers: set an agent's status (cause `forced_by_manager`, with the
//! manager's note shown on the agent's desk), sign an agent out (after the call in hand; their
//! sessions end), and floor notices (공지) to every desk or one service's agents, stored and
//! shown as a banner. Every action is audited. Also "why am I not getting calls?"
//! (`why_no_calls`), for the agent's ⓘ and the wallboard's row.

use super::messages::{ExplainRouting, ForceStatus, GetAgentView, SignOut};
use super::Engine;
use crate::domain::ledger::{local_date, start_of_day};
use crate::domain::model::{AgentId, AgentPublic, Notice};
use crate::domain::status::{Status, Target};
use crate::error::{AppError, AppResult};
use crate::protocol::{LinePlace, NoticeFrame, NoticeKind, RoutingWhy, ServerMsg, StatusView};
use crate::store;
use serde_json::json;

/// Why a signed-out agent's desks close.
pub const REASON_SIGNED_OUT: &str = "매니저가 로그아웃했습니다 (signed out by a manager)";
/// Longest manager's note and floor notice.
pub const NOTE_MAX: usize = 200;
pub const NOTICE_MAX: usize = 500;

/// A required text of at most `max` characters, trimmed; the error names the field.
pub fn required_text(field: &str, v: Option<&str>, max: usize) -> AppResult<String> {
    let t = v.map(str::trim).unwrap_or_default();
    if t.is_empty() {
        return Err(AppError::invalid_fields(vec![(
            field,
            "내용을 입력하세요 (required)".into(),
        )]));
    }
    if t.chars().count() > max {
        return Err(AppError::invalid_fields(vec![(
            field,
            format!("{max}자까지입니다"),
        )]));
    }
    Ok(t.to_string())
}

impl Engine {
    /// Why an agent is (not) getting calls, in plain Korean, from their status and the
    /// distributor's lines.
    pub async fn why_no_calls(&self, id: AgentId) -> AppResult<RoutingWhy> {
        let entry = self
            .registry
            .agent(id)
            .ok_or_else(|| AppError::not_found(format!("상담사 {id}이(가) 없습니다")))?;
        let rt = self.brand_rt(entry.public.brand_id)?;
        let (status, _) = entry.addr.send(GetAgentView).await?;
        let name_of = |code: &str| {
            rt.services
                .iter()
                .find(|s| s.code == code)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| code.to_string())
        };
        let why = |code: &str, text: String, lines: Vec<LinePlace>| RoutingWhy {
            code: code.into(),
            text,
            lines,
        };
        let next_hint = match status.next {
            Some(n) => format!(" 통화 후에는 {}(으)로 바뀝니다.", n.status.label_ko()),
            None => String::new(),
        };
        Ok(match status.status {
            Status::LoggedOut => why(
                "logged_out",
                "로그아웃 상태라 전화가 오지 않습니다.".into(),
                vec![],
            ),
            Status::Preparing => why(
                "not_ready",
                "상담준비 상태입니다. 대기로 바꾸면 전화를 받습니다.".into(),
                vec![],
            ),
            Status::Aux => why(
                "aux",
                format!(
                    "기타({}) 상태입니다. 대기로 바꾸면 전화를 받습니다.",
                    status.reason.map(|r| r.label_ko()).unwrap_or("사유 없음")
                ),
                vec![],
            ),
            Status::Ringing | Status::OnCall | Status::Dialing => why(
                "on_call",
                format!("통화 중이라 새 전화가 오지 않습니다.{next_hint}"),
                vec![],
            ),
            Status::WrapUp => why(
                "wrap_up",
                format!("후처리 중입니다. 후처리를 마치면 다음 전화를 받습니다.{next_hint}"),
                vec![],
            ),
            Status::Ready if entry.public.services.is_empty() => why(
                "no_services",
                "대기 중이지만 배정된 서비스가 없어 전화가 오지 않습니다. 매니저에게 서비스 배정을 요청하세요.".into(),
                vec![],
            ),
            Status::Ready if !self.registry.has_sessions(id) => why(
                "no_desk",
                "대기 상태지만 열린 데스크가 없습니다. 곧 상담준비로 바뀝니다.".into(),
                vec![],
            ),
            Status::Ready => {
                let lines = rt.distributor.send(ExplainRouting { agent_id: id }).await?;
                let parts: Vec<String> = lines
                    .iter()
                    .map(|l| {
                        format!(
                            "{} {}번째 순서(대기 상담사 {}명), 대기콜 {}건",
                            name_of(&l.service),
                            l.position,
                            l.ready,
                            l.waiting
                        )
                    })
                    .collect();
                let first = lines.iter().any(|l| l.position == 1 && l.waiting > 0);
                if first {
                    why(
                        "next",
                        format!("곧 연결됩니다: {}.", parts.join(" · ")),
                        lines,
                    )
                } else {
                    let none_waiting = lines.iter().all(|l| l.waiting == 0);
                    let lead = if none_waiting {
                        "대기 중입니다. 지금은 기다리는 전화가 없습니다"
                    } else {
                        "대기 중입니다. 앞 순서 상담사가 먼저 받습니다"
                    };
                    why("in_line", format!("{lead}: {}.", parts.join(" · ")), lines)
                }
            }
        })
    }

    /// An agent of the manager's brand (else not found).
    fn brand_member(&self, by: &AgentPublic, id: AgentId) -> AppResult<AgentPublic> {
        self.registry
            .agent(id)
            .map(|e| e.public)
            .filter(|p| p.brand_id == by.brand_id)
            .ok_or_else(|| AppError::not_found(format!("상담사 {id}이(가) 없습니다")))
    }

    fn manager_notice(&self, kind: NoticeKind, by: &AgentPublic, text: String) -> NoticeFrame {
        NoticeFrame {
            kind,
            id: None,
            text,
            service: None,
            by_name: by.name.clone(),
            at: self.now(),
            status: None,
            reason: None,
            after_call: false,
        }
    }

    /// A manager sets an agent's status: now, or (during a call) as the status after it.
    pub async fn force_status(
        &self,
        by: &AgentPublic,
        id: AgentId,
        target: Target,
        note: String,
    ) -> AppResult<StatusView> {
        let who = self.brand_member(by, id)?;
        let addr = self.agent_addr(who.id)?;
        let mut notice = self.manager_notice(NoticeKind::StatusForced, by, note.clone());
        notice.status = Some(target.status);
        notice.reason = target.reason;
        let view = addr.send(ForceStatus { target, notice }).await??;
        let (now, by_id) = (self.now(), by.id);
        self.store
            .write(move |tx| {
                store::audit(
                    tx,
                    &json!({"at": now, "by": by_id, "action": "agent.force_status", "agent": id,
                            "status": target.status, "reason": target.reason, "note": note,
                            "afterCall": view.next.is_some() && view.status != target.status}),
                )
            })
            .await?;
        Ok(view)
    }

    /// A manager signs an agent out: now (true), or once the call in hand and its wrap-up end
    /// (false). Their sessions end then, so the desk does not sign back in.
    pub async fn sign_out(&self, by: &AgentPublic, id: AgentId, note: String) -> AppResult<bool> {
        let who = self.brand_member(by, id)?;
        if who.id == by.id {
            return Err(AppError::bad_request(
                "자기 자신은 여기서 로그아웃할 수 없습니다 (use 로그아웃)",
            ));
        }
        let addr = self.agent_addr(who.id)?;
        let notice = self.manager_notice(NoticeKind::SignedOut, by, note.clone());
        let now_out = addr.send(SignOut { notice }).await??;
        if now_out {
            // Already logged out (or just now): the sessions end at once.
            self.end_sessions(id, None, None, REASON_SIGNED_OUT).await?;
        }
        let (now, by_id) = (self.now(), by.id);
        self.store
            .write(move |tx| {
                store::audit(
                    tx,
                    &json!({"at": now, "by": by_id, "action": "agent.sign_out", "agent": id,
                            "note": note, "afterCall": !now_out}),
                )
            })
            .await?;
        Ok(now_out)
    }

    /// Posts a floor notice: stored, audited, and shown at once on every desk of the brand (or
    /// of the agents serving `service`).
    pub async fn post_notice(
        &self,
        by: &AgentPublic,
        text: String,
        service: Option<String>,
    ) -> AppResult<Notice> {
        let rt = self.brand_rt(by.brand_id)?;
        let service = service
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if let Some(code) = &service {
            if !rt.services.iter().any(|s| &s.code == code) {
                return Err(AppError::invalid_fields(vec![(
                    "service",
                    format!("없는 서비스입니다: '{code}'"),
                )]));
            }
        }
        let draft = Notice {
            id: 0,
            brand_id: by.brand_id,
            text,
            service,
            by: by.id,
            by_name: by.name.clone(),
            at: self.now(),
        };
        let stored = draft.clone();
        let id = self
            .store
            .write(move |tx| {
                let id = store::put_notice(tx, &stored)?;
                store::audit(
                    tx,
                    &json!({"at": stored.at, "by": stored.by, "action": "notice.create",
                            "notice": id, "service": stored.service, "text": stored.text}),
                )?;
                Ok(id)
            })
            .await?;
        let notice = Notice { id, ..draft };
        let frame = ServerMsg::Notice(Box::new(NoticeFrame::floor(&notice))).encode();
        if let Some(ids) = self
            .registry
            .brand_agents
            .get(&by.brand_id)
            .map(|v| v.clone())
        {
            for a in ids {
                let sees = self.registry.agent(a).is_some_and(|e| {
                    e.public.role.is_manager() || notice.for_agent(&e.public.services)
                });
                if sees {
                    self.registry.push_agent(a, &frame);
                }
            }
        }
        Ok(notice)
    }

    /// Today's floor notices an agent sees (managers: all), newest first.
    pub fn notices_today(&self, me: &AgentPublic, max: usize) -> AppResult<Vec<Notice>> {
        let rt = self.brand_rt(me.brand_id)?;
        let tz = rt.brand.tz();
        let start = start_of_day(local_date(self.now(), tz), tz);
        let all = self.store.notices(me.brand_id, start, 200)?;
        Ok(all
            .into_iter()
            .filter(|n| me.role.is_manager() || n.for_agent(&me.services))
            .take(max)
            .collect())
    }
}

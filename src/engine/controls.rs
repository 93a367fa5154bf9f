//! Call controls an agent uses on a talking call, beyond answer and hang up: hold / resume,
//! blind transfer (이관) to a service or a ready agent, and touch-tones. Validation that needs
//! the brand's picture (which service, which agent, is that agent ready) lives here; the agent
//! and call actors carry the change out.

use super::messages::*;
use super::{Engine, NewCall};
use crate::domain::model::{AgentId, AgentPublic, CallId, CallOutcome};
use crate::domain::phone::Phone;
use crate::domain::status::Status;
use crate::error::{AppError, AppResult, Code};
use crate::protocol::{CallView, ServiceView};
use crate::store;

/// Longest touch-tone string one request may send.
pub const MAX_DTMF: usize = 32;

impl Engine {
    /// Puts my talking call on hold or takes it off hold.
    pub async fn hold_call(
        &self,
        me: &AgentPublic,
        call_id: CallId,
        on: bool,
    ) -> AppResult<CallView> {
        self.agent_addr(me.id)?
            .send(HoldCall { call_id, on })
            .await?
    }

    /// Plays touch-tones into my talking call.
    pub async fn send_dtmf(
        &self,
        me: &AgentPublic,
        call_id: CallId,
        digits: &str,
    ) -> AppResult<()> {
        let ok = !digits.is_empty()
            && digits.chars().count() <= MAX_DTMF
            && digits
                .chars()
                .all(|c| c.is_ascii_digit() || c == '*' || c == '#');
        if !ok {
            return Err(AppError::bad_request(format!(
                "digits는 0-9, *, # 로 된 1~{MAX_DTMF}자여야 합니다"
            )));
        }
        self.agent_addr(me.id)?
            .send(SendDtmf {
                call_id,
                digits: digits.to_string(),
            })
            .await?
    }

    /// Blind transfer (이관) of my talking call: to the head of a service's queue, or straight to
    /// a ready agent of my brand. The caller continues in a new consultation that names the old
    /// one (`transferredFrom`); mine ends as `transferred` and I go to wrap-up.
    pub async fn transfer_call(
        &self,
        me: &AgentPublic,
        call_id: CallId,
        service: Option<String>,
        to_agent: Option<AgentId>,
    ) -> AppResult<NewCall> {
        let rt = self.brand_rt(me.brand_id)?;
        let addr = self.agent_addr(me.id)?;
        let (_, call) = addr.send(GetAgentView).await?;
        let call = call
            .filter(|c| c.call_id == call_id && c.state == Status::OnCall)
            .ok_or_else(|| {
                AppError::new(
                    Code::NotOffered,
                    format!("통화 {call_id}은(는) 지금 통화 중인 내 전화가 아닙니다"),
                )
            })?;
        let (svc, direct, extension) = match (service.as_deref().map(str::trim), to_agent) {
            (Some(code), None) => {
                let s = rt.services.iter().find(|s| s.code == code).ok_or_else(|| {
                    AppError::not_found(format!("서비스 '{code}'이(가) 없습니다"))
                })?;
                let view = ServiceView::of(s);
                (view, None, None)
            }
            (None, Some(id)) => {
                let entry = self
                    .registry
                    .agent(id)
                    .filter(|e| e.public.brand_id == me.brand_id)
                    .ok_or_else(|| AppError::not_found(format!("상담사 {id}이(가) 없습니다")))?;
                if id == me.id {
                    return Err(AppError::bad_request("자기 자신에게는 이관할 수 없습니다"));
                }
                let status = self.registry.statuses.get(&id).map(|s| *s);
                if status != Some(Status::Ready) {
                    return Err(AppError::new(
                        Code::Conflict,
                        format!(
                            "{}님은 지금 대기 상태가 아니어서 받을 수 없습니다 (status: {})",
                            entry.public.name,
                            status.map(|s| s.as_str()).unwrap_or("logged_out")
                        ),
                    ));
                }
                let view = rt
                    .services
                    .iter()
                    .find(|s| s.code == call.service)
                    .map(ServiceView::of)
                    .unwrap_or_else(|| ServiceView {
                        code: call.service.clone(),
                        name: call.service_name.clone(),
                        ring_timeout_s: None,
                        wrap_up_limit_s: None,
                    });
                (view, Some(entry.addr), Some(entry.public.extension))
            }
            _ => {
                return Err(AppError::bad_request(
                    "service와 agentId 중 하나만 보내세요 (where to transfer)",
                ))
            }
        };
        let phone = Phone::parse(&call.from)
            .map_err(|e| AppError::internal(format!("call number: {e}")))?;
        let to = self
            .new_inbound_consultation(
                &rt,
                svc,
                &phone,
                call.external_id.clone(),
                call.customer.clone(),
                Some(call.ticket_id.clone()),
            )
            .await?;
        let made = NewCall {
            call_id: to.call_id,
            ticket_id: to.ticket_id.clone(),
        };
        let res = addr
            .send(TransferCall {
                call_id,
                to,
                direct,
                target_extension: extension,
            })
            .await
            .map_err(AppError::from)
            .and_then(|r| r);
        if let Err(e) = res {
            // The new leg never started: close its consultation so it is not left live.
            let t = made.ticket_id.clone();
            let now = self.now();
            let closed = self
                .store
                .write(move |tx| {
                    store::update_consultation(tx, &t, |c| {
                        c.ended_at = Some(now);
                        c.outcome = CallOutcome::Cancelled;
                        Ok(())
                    })
                })
                .await;
            match closed {
                Ok(c) => self.consulted(&c),
                Err(w) => {
                    tracing::error!(ticket = %made.ticket_id, error = %w, "unused transfer leg not closed")
                }
            }
            return Err(e);
        }
        tracing::info!(from = call_id, to = made.call_id, "call transferred");
        Ok(made)
    }
}

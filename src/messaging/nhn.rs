//! The HTTP provider shaped like NHN Cloud Notification: AlimTalk through
//! `POST {alimtalkUrl}/alimtalk/v2.3/appkeys/{appKey}/messages` (sender key, template code,
//! template parameters, resend parameters for the SMS/LMS fallback), SMS and LMS through
//! `POST {smsUrl}/sms/v3.0/appKeys/{smsAppKey}/sender/sms` and `/sender/mms`. Every request
//! carries `X-Secret-Key`, our idempotency key as `senderGroupingKey` / `recipientGroupingKey`
//! and an `Idempotency-Key` header. A carrier that does not answer, or answers 5xx, is asked
//! again (3 tries); an AlimTalk the carrier refuses outright goes out as SMS/LMS when the agent
//! asked for a fallback.

use super::{MessageProvider, SendFuture};
use crate::domain::message::{Delivery, Message, MessageKind, MessageStatus};
use serde_json::{json, Value};
use std::time::Duration;

/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const TRIES: u32 = 3;

pub use crate::domain::links::NhnConfig;

pub struct Nhn {
    config: NhnConfig,
}

/// One answer: accepted (with the request id) or refused (with the carrier's reason).
type Answer = Result<String, String>;

impl Nhn {
    pub fn new(config: NhnConfig) -> Self {
        Nhn { config }
    }

    /// POSTs `body`, retrying transport errors and 5xx; reads NHN's `header` and first result.
    async fn post(&self, url: String, key: &str, body: Value) -> Answer {
        let client = awc::Client::builder().timeout(REQUEST_TIMEOUT).finish();
        let mut last = String::new();
        for attempt in 0..TRIES {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(300 * 3u64.pow(attempt - 1))).await;
            }
            let sent = client
                .post(url.as_str())
                .insert_header(("X-Secret-Key", self.config.secret_key.as_str()))
                .insert_header(("Idempotency-Key", key))
                .send_json(&body)
                .await;
            let mut res = match sent {
                Ok(r) => r,
                Err(e) => {
                    last = format!("문자 서비스에 연결할 수 없습니다: {e}");
                    continue;
                }
            };
            let status = res.status();
            if status.is_server_error() {
                last = format!("문자 서비스 오류 (HTTP {})", status.as_u16());
                continue;
            }
            let v: Value = match res.json().limit(1 << 20).await {
                Ok(v) => v,
                Err(e) => return Err(format!("문자 서비스 응답을 읽을 수 없습니다: {e}")),
            };
            return read_answer(status.as_u16(), &v);
        }
        Err(last)
    }

    async fn send_text(
        &self,
        m: &Message,
        kind: MessageKind,
        title: Option<&str>,
        body: &str,
    ) -> Answer {
        let key = m.idempotency_key();
        let (path, mut req) = match kind {
            MessageKind::Lms => (
                "mms",
                json!({"title": title.unwrap_or_default(), "body": body}),
            ),
            _ => ("sms", json!({ "body": body })),
        };
        req["sendNo"] = json!(self.config.send_no);
        req["senderGroupingKey"] = json!(key);
        req["recipientList"] = json!([{"recipientNo": m.to, "recipientGroupingKey": key}]);
        let url = format!(
            "{}/sms/v3.0/appKeys/{}/sender/{path}",
            self.config.sms_url.trim_end_matches('/'),
            self.config.sms_app_key
        );
        self.post(url, &key, req).await
    }

    async fn send_alimtalk(&self, m: &Message) -> Answer {
        let key = m.idempotency_key();
        let mut recipient = json!({
            "recipientNo": m.to,
            "templateParameter": m.variables,
            "recipientGroupingKey": key,
        });
        if m.fallback {
            let (kind, title) = m.fallback_text();
            let mut resend = json!({
                "isResend": true,
                "resendType": if kind == MessageKind::Lms { "LMS" } else { "SMS" },
                "resendContent": m.body,
                "resendSendNo": self.config.send_no,
            });
            if let Some(t) = title {
                resend["resendTitle"] = json!(t);
            }
            recipient["resendParameter"] = resend;
        }
        let req = json!({
            "senderKey": self.config.sender_key,
            "templateCode": m.template_code.clone().unwrap_or_default(),
            "senderGroupingKey": key,
            "recipientList": [recipient],
        });
        let url = format!(
            "{}/alimtalk/v2.3/appkeys/{}/messages",
            self.config.alimtalk_url.trim_end_matches('/'),
            self.config.app_key
        );
        self.post(url, &key, req).await
    }
}

/// NHN answers `{"header": {"isSuccessful", "resultCode", "resultMessage"}, …}` with the
/// per-recipient results under `message.sendResults` (AlimTalk) or `body.data.sendResultList`
/// (SMS).
fn read_answer(http: u16, v: &Value) -> Answer {
    let header = &v["header"];
    let reason = |code: &Value, msg: &Value| {
        format!(
            "{} ({})",
            msg.as_str().unwrap_or("발송 거부"),
            match code {
                Value::Null => format!("HTTP {http}"),
                c => c.to_string(),
            }
        )
    };
    if header["isSuccessful"].as_bool() != Some(true) {
        return Err(reason(&header["resultCode"], &header["resultMessage"]));
    }
    let results = v
        .pointer("/message/sendResults")
        .or_else(|| v.pointer("/body/data/sendResultList"))
        .and_then(Value::as_array);
    if let Some(first) = results.and_then(|r| r.first()) {
        if first["resultCode"].as_i64().unwrap_or(0) != 0 {
            return Err(reason(&first["resultCode"], &first["resultMessage"]));
        }
    }
    let id = v
        .pointer("/message/requestId")
        .or_else(|| v.pointer("/body/data/requestId"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    Ok(id.to_string())
}

impl MessageProvider for Nhn {
    fn send<'a>(&'a self, m: &'a Message) -> SendFuture<'a> {
        Box::pin(async move {
            let done = |status, reason, sent_as, provider_ref| Delivery {
                status,
                reason,
                sent_as,
                provider_ref,
            };
            match m.kind {
                MessageKind::Sms | MessageKind::Lms => {
                    match self.send_text(m, m.kind, m.title.as_deref(), &m.body).await {
                        Ok(id) => done(MessageStatus::Sent, None, Some(m.kind), Some(id)),
                        Err(why) => done(MessageStatus::Failed, Some(why), None, None),
                    }
                }
                MessageKind::Alimtalk => match self.send_alimtalk(m).await {
                    Ok(id) => done(MessageStatus::Sent, None, Some(m.kind), Some(id)),
                    Err(why) if m.fallback => {
                        let (kind, title) = m.fallback_text();
                        match self.send_text(m, kind, title.as_deref(), &m.body).await {
                            Ok(id) => done(
                                MessageStatus::Sent,
                                Some(format!("알림톡 실패: {why} → {} 대체 발송", kind.label())),
                                Some(kind),
                                Some(id),
                            ),
                            Err(why2) => done(
                                MessageStatus::Failed,
                                Some(format!(
                                    "알림톡 실패: {why}; {} 대체 발송 실패: {why2}",
                                    kind.label()
                                )),
                                None,
                                None,
                            ),
                        }
                    }
                    Err(why) => done(
                        MessageStatus::Failed,
                        Some(format!("알림톡 실패: {why}")),
                        None,
                        None,
                    ),
                },
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_from_the_header_and_the_first_recipient() {
        let ok = json!({"header": {"isSuccessful": true, "resultCode": 0, "resultMessage": "SUCCESS"},
            "message": {"requestId": "R1", "sendResults": [{"resultCode": 0, "resultMessage": "SUCCESS"}]}});
        assert_eq!(read_answer(200, &ok), Ok("R1".into()));
        let sms = json!({"header": {"isSuccessful": true}, "body": {"data": {"requestId": "S9",
            "sendResultList": [{"resultCode": 0}]}}});
        assert_eq!(read_answer(200, &sms), Ok("S9".into()));
        let refused = json!({"header": {"isSuccessful": false, "resultCode": -3000,
            "resultMessage": "템플릿이 승인되지 않았습니다"}});
        assert_eq!(
            read_answer(400, &refused),
            Err("템플릿이 승인되지 않았습니다 (-3000)".into())
        );
        let recipient = json!({"header": {"isSuccessful": true}, "message": {"requestId": "R2",
            "sendResults": [{"resultCode": -1012, "resultMessage": "잘못된 수신번호"}]}});
        assert_eq!(
            read_answer(200, &recipient),
            Err("잘못된 수신번호 (-1012)".into())
        );
    }
}

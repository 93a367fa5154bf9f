//! How a brand is linked to the outside, as stored on the brand record: its shopping mall
//! (`MallLink`, with the HTTP mall's URL templates and field mapping) and its message carrier
//! (`MessagingLink`, with NHN Cloud's keys). Plain data: the providers that use them live in
//! `shop` and `messaging`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusCodes {
    Cafe24,
    Naver,
    Plain,
}

/// JSON pointers into the mall's answer (for one order object).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldMap {
    /// Where the order object is in the by-number answer (`""` = the answer itself).
    #[serde(default)]
    pub order: String,
    /// Where the list of orders is in the by-phone answer.
    #[serde(default)]
    pub list: String,
    pub order_no: String,
    pub ordered_at: String,
    pub status: String,
    pub customer_name: String,
    pub phone: String,
    pub items: String,
    pub item_name: String,
    #[serde(default)]
    pub item_option: Option<String>,
    pub item_quantity: String,
    pub item_price: String,
    pub total_amount: String,
    pub payment_method: String,
    #[serde(default)]
    pub shipping_company: Option<String>,
    #[serde(default)]
    pub tracking_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpMallConfig {
    /// e.g. `https://mall.example/api/orders/{orderNo}`
    pub order_url: String,
    /// e.g. `https://mall.example/api/orders?phone={phone}`
    pub phone_url: String,
    /// e.g. `["Authorization", "Bearer …"]`
    #[serde(default)]
    pub auth_header: Option<(String, String)>,
    pub status_codes: StatusCodes,
    pub fields: FieldMap,
}

/// How a brand's mall is linked (brand setting `mall`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MallLink {
    /// The built-in demo mall (`orders.json` in the demo folder).
    Demo,
    /// A real mall's HTTP API.
    Http(Box<HttpMallConfig>),
}

/// How a brand sends messages (brand setting `messaging`; none = the outbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MessagingLink {
    /// Keep and mark sent (demo, or a brand that forwards the outbox by other means).
    Outbox,
    /// NHN Cloud Notification (AlimTalk v2.3 and SMS v3.0 APIs).
    Nhn(Box<NhnConfig>),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NhnConfig {
    /// e.g. `https://api-alimtalk.cloud.toast.com`
    #[serde(default = "default_alimtalk_url")]
    pub alimtalk_url: String,
    /// e.g. `https://api-sms.cloud.toast.com`
    #[serde(default = "default_sms_url")]
    pub sms_url: String,
    /// AlimTalk app key.
    pub app_key: String,
    /// SMS app key.
    pub sms_app_key: String,
    /// `X-Secret-Key` of both services.
    pub secret_key: String,
    /// The Kakao channel's sender key (발신 키).
    pub sender_key: String,
    /// The registered caller number SMS / LMS go out from (발신번호).
    pub send_no: String,
}

fn default_alimtalk_url() -> String {
    "https://api-alimtalk.cloud.toast.com".into()
}
fn default_sms_url() -> String {
    "https://api-sms.cloud.toast.com".into()
}

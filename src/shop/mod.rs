//! Order lookup (주문정보) from a brand's linked shopping mall. One provider trait with two
//! implementations: the built-in demo mall (`data/demo/orders.json`) and an HTTP provider for a
//! real mall API (URL templates, an auth header, a field mapping, and the mall's status codes
//! mapped onto the one `OrderStatus` the desk speaks). Lookups never take longer than
//! `LOOKUP_TIMEOUT`.

pub mod demo;
pub mod http;

use crate::domain::phone::Phone;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use ts_rs::TS;

/// The longest a mall may take before the desk says it does not answer.
pub const LOOKUP_TIMEOUT: Duration = Duration::from_secs(3);

/// The order statuses the desk shows (Korean labels in `label_ko`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// 입금전
    AwaitingPayment,
    /// 결제완료
    Paid,
    /// 상품준비중
    Preparing,
    /// 배송준비중
    ReadyToShip,
    /// 배송중
    Shipping,
    /// 배송완료
    Delivered,
    /// 구매확정
    Confirmed,
    /// 취소
    Cancelled,
    /// 반품
    Returned,
    /// 교환
    Exchanged,
}

impl OrderStatus {
    pub fn label_ko(self) -> &'static str {
        match self {
            OrderStatus::AwaitingPayment => "입금전",
            OrderStatus::Paid => "결제완료",
            OrderStatus::Preparing => "상품준비중",
            OrderStatus::ReadyToShip => "배송준비중",
            OrderStatus::Shipping => "배송중",
            OrderStatus::Delivered => "배송완료",
            OrderStatus::Confirmed => "구매확정",
            OrderStatus::Cancelled => "취소",
            OrderStatus::Returned => "반품",
            OrderStatus::Exchanged => "교환",
        }
    }

    /// Cafe24 order-item status codes: N00 입금전, N10 상품준비중, N20 배송준비중, N21 배송대기,
    /// N22 배송보류, N30 배송중, N40 배송완료, N50 구매확정; C* 취소, R* 반품, E* 교환.
    pub fn from_cafe24(code: &str) -> Option<OrderStatus> {
        let c = code.trim().to_ascii_uppercase();
        Some(match c.as_str() {
            "N00" => OrderStatus::AwaitingPayment,
            "N10" => OrderStatus::Preparing,
            "N20" | "N21" | "N22" => OrderStatus::ReadyToShip,
            "N30" => OrderStatus::Shipping,
            "N40" => OrderStatus::Delivered,
            "N50" => OrderStatus::Confirmed,
            _ if c.starts_with('C') => OrderStatus::Cancelled,
            _ if c.starts_with('R') => OrderStatus::Returned,
            _ if c.starts_with('E') => OrderStatus::Exchanged,
            _ => return None,
        })
    }

    /// Naver Commerce API `productOrderStatus`: PAYMENT_WAITING 입금전, PAYED 결제완료,
    /// DELIVERING 배송중, DELIVERED 배송완료, PURCHASE_DECIDED 구매확정, EXCHANGED 교환,
    /// CANCELED / CANCELED_BY_NOPAYMENT 취소, RETURNED 반품. (Naver has no separate 상품준비중 /
    /// 배송준비중 status: a PAYED order whose `placeOrderStatus` is OK is being prepared.)
    pub fn from_naver(code: &str) -> Option<OrderStatus> {
        Some(match code.trim() {
            "PAYMENT_WAITING" => OrderStatus::AwaitingPayment,
            "PAYED" => OrderStatus::Paid,
            "DELIVERING" => OrderStatus::Shipping,
            "DELIVERED" => OrderStatus::Delivered,
            "PURCHASE_DECIDED" => OrderStatus::Confirmed,
            "EXCHANGED" => OrderStatus::Exchanged,
            "CANCELED" | "CANCELED_BY_NOPAYMENT" => OrderStatus::Cancelled,
            "RETURNED" => OrderStatus::Returned,
            _ => return None,
        })
    }

    /// Our own snake_case names, or the Korean labels.
    pub fn from_plain(code: &str) -> Option<OrderStatus> {
        let c = code.trim();
        serde_json::from_value(serde_json::Value::String(c.to_string()))
            .ok()
            .or_else(|| ALL_STATUSES.into_iter().find(|s| s.label_ko() == c))
    }
}

pub const ALL_STATUSES: [OrderStatus; 10] = [
    OrderStatus::AwaitingPayment,
    OrderStatus::Paid,
    OrderStatus::Preparing,
    OrderStatus::ReadyToShip,
    OrderStatus::Shipping,
    OrderStatus::Delivered,
    OrderStatus::Confirmed,
    OrderStatus::Cancelled,
    OrderStatus::Returned,
    OrderStatus::Exchanged,
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct OrderItem {
    pub name: String,
    #[serde(default)]
    pub option: Option<String>,
    pub quantity: u32,
    /// Won, per unit.
    pub price: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub order_no: String,
    /// As the mall gives it (RFC 3339 or a date).
    pub ordered_at: String,
    pub status: OrderStatus,
    /// The Korean label of `status`.
    pub status_label: String,
    /// The mall's own status code, when it had one.
    #[serde(default)]
    pub raw_status: Option<String>,
    pub customer_name: String,
    /// National digits.
    pub phone: String,
    pub items: Vec<OrderItem>,
    /// Won.
    pub total_amount: i64,
    pub payment_method: String,
    #[serde(default)]
    pub shipping_company: Option<String>,
    #[serde(default)]
    pub tracking_no: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShopError {
    #[error("쇼핑몰이 {0}초 안에 응답하지 않았습니다")]
    Timeout(u64),
    #[error("쇼핑몰에 연결할 수 없습니다: {0}")]
    Unreachable(String),
    #[error("쇼핑몰 응답을 읽을 수 없습니다: {0}")]
    BadResponse(String),
}

pub type ShopFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, ShopError>> + 'a>>;

/// A linked mall: find an order by number, and a customer's recent orders by phone.
pub trait ShopProvider: Send + Sync {
    fn order<'a>(&'a self, order_no: &'a str) -> ShopFuture<'a, Option<Order>>;
    fn recent_orders<'a>(&'a self, phone: &'a Phone) -> ShopFuture<'a, Vec<Order>>;
}

pub use crate::domain::links::MallLink;

/// The provider for a brand's mall link; the demo mall reads `orders.json` in `demo_dir`.
pub fn provider_for(
    link: &MallLink,
    demo_dir: &std::path::Path,
) -> Result<std::sync::Arc<dyn ShopProvider>, String> {
    Ok(match link {
        MallLink::Demo => std::sync::Arc::new(
            demo::DemoMall::load(&demo_dir.join("orders.json"))
                .map_err(|e| format!("데모 쇼핑몰을 읽을 수 없습니다: {e}"))?,
        ),
        MallLink::Http(c) => std::sync::Arc::new(http::HttpMall::new((**c).clone())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cafe24_codes_map_onto_the_desk_statuses() {
        assert_eq!(
            OrderStatus::from_cafe24("N00"),
            Some(OrderStatus::AwaitingPayment)
        );
        assert_eq!(
            OrderStatus::from_cafe24("n10"),
            Some(OrderStatus::Preparing)
        );
        assert_eq!(
            OrderStatus::from_cafe24("N21"),
            Some(OrderStatus::ReadyToShip)
        );
        assert_eq!(OrderStatus::from_cafe24("N30"), Some(OrderStatus::Shipping));
        assert_eq!(
            OrderStatus::from_cafe24("N40"),
            Some(OrderStatus::Delivered)
        );
        assert_eq!(
            OrderStatus::from_cafe24("N50"),
            Some(OrderStatus::Confirmed)
        );
        assert_eq!(
            OrderStatus::from_cafe24("C40"),
            Some(OrderStatus::Cancelled)
        );
        assert_eq!(OrderStatus::from_cafe24("R12"), Some(OrderStatus::Returned));
        assert_eq!(
            OrderStatus::from_cafe24("E30"),
            Some(OrderStatus::Exchanged)
        );
        assert_eq!(OrderStatus::from_cafe24("X99"), None);
    }

    #[test]
    fn naver_statuses_map_onto_the_desk_statuses() {
        assert_eq!(OrderStatus::from_naver("PAYED"), Some(OrderStatus::Paid));
        assert_eq!(
            OrderStatus::from_naver("DELIVERING"),
            Some(OrderStatus::Shipping)
        );
        assert_eq!(
            OrderStatus::from_naver("PURCHASE_DECIDED"),
            Some(OrderStatus::Confirmed)
        );
        assert_eq!(
            OrderStatus::from_naver("CANCELED_BY_NOPAYMENT"),
            Some(OrderStatus::Cancelled)
        );
        assert_eq!(OrderStatus::from_naver("WHATEVER"), None);
    }

    #[test]
    fn plain_statuses_accept_our_names_and_korean_labels() {
        assert_eq!(
            OrderStatus::from_plain("shipping"),
            Some(OrderStatus::Shipping)
        );
        assert_eq!(
            OrderStatus::from_plain("배송완료"),
            Some(OrderStatus::Delivered)
        );
        assert_eq!(OrderStatus::from_plain("?"), None);
        for s in ALL_STATUSES {
            assert_eq!(OrderStatus::from_plain(s.label_ko()), Some(s));
        }
    }
}

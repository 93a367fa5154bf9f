//! The built-in demo mall: orders read once from `orders.json` in the demo folder, looked up by
//! order number or by the orderer's phone (newest first).

use super::{Order, OrderStatus, ShopError, ShopFuture, ShopProvider};
use crate::domain::phone::Phone;
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOrder {
    order_no: String,
    ordered_at: String,
    status: String,
    customer_name: String,
    phone: String,
    items: Vec<super::OrderItem>,
    payment_method: String,
    #[serde(default)]
    shipping_company: Option<String>,
    #[serde(default)]
    tracking_no: Option<String>,
}

pub struct DemoMall {
    orders: Vec<Order>,
}

impl DemoMall {
    pub fn load(file: &Path) -> Result<DemoMall, String> {
        let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
        let raw: Vec<RawOrder> =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        let mut orders = Vec::new();
        for r in raw {
            let status = OrderStatus::from_plain(&r.status)
                .ok_or_else(|| format!("order {}: unknown status {}", r.order_no, r.status))?;
            let phone = Phone::parse(&r.phone).map_err(|e| format!("order {}: {e}", r.order_no))?;
            let total = r
                .items
                .iter()
                .map(|i| i.price * i64::from(i.quantity))
                .sum();
            orders.push(Order {
                order_no: r.order_no,
                ordered_at: r.ordered_at,
                status,
                status_label: status.label_ko().to_string(),
                raw_status: None,
                customer_name: r.customer_name,
                phone: phone.digits().to_string(),
                items: r.items,
                total_amount: total,
                payment_method: r.payment_method,
                shipping_company: r.shipping_company,
                tracking_no: r.tracking_no,
            });
        }
        orders.sort_by(|a, b| b.ordered_at.cmp(&a.ordered_at));
        Ok(DemoMall { orders })
    }
}

impl ShopProvider for DemoMall {
    fn order<'a>(&'a self, order_no: &'a str) -> ShopFuture<'a, Option<Order>> {
        let found = self
            .orders
            .iter()
            .find(|o| o.order_no == order_no.trim())
            .cloned();
        Box::pin(async move { Ok::<_, ShopError>(found) })
    }

    fn recent_orders<'a>(&'a self, phone: &'a Phone) -> ShopFuture<'a, Vec<Order>> {
        let found: Vec<Order> = self
            .orders
            .iter()
            .filter(|o| o.phone == phone.digits())
            .take(10)
            .cloned()
            .collect();
        Box::pin(async move { Ok(found) })
    }
}

//! The HTTP mall provider: calls a mall's API with URL templates (`{orderNo}`, `{phone}`), an
//! optional auth header, and reads the answer through a field mapping of JSON pointers; the
//! mall's status codes (Cafe24, Naver Commerce, or plain) map onto `OrderStatus`. Every call
//! gives up after `LOOKUP_TIMEOUT`.

use super::{Order, OrderItem, OrderStatus, ShopError, ShopFuture, ShopProvider, LOOKUP_TIMEOUT};
use crate::domain::phone::Phone;
use serde_json::Value;

pub use crate::domain::links::{FieldMap, HttpMallConfig, StatusCodes};

pub struct HttpMall {
    config: HttpMallConfig,
}

impl HttpMall {
    pub fn new(config: HttpMallConfig) -> Self {
        HttpMall { config }
    }

    async fn get(&self, url: String) -> Result<Option<Value>, ShopError> {
        let client = awc::Client::builder().timeout(LOOKUP_TIMEOUT).finish();
        let mut req = client.get(url);
        if let Some((k, v)) = &self.config.auth_header {
            req = req.insert_header((k.as_str(), v.as_str()));
        }
        let mut res = match req.send().await {
            Ok(r) => r,
            Err(awc::error::SendRequestError::Timeout) => {
                return Err(ShopError::Timeout(LOOKUP_TIMEOUT.as_secs()))
            }
            Err(e) => return Err(ShopError::Unreachable(e.to_string())),
        };
        if res.status().as_u16() == 404 {
            return Ok(None);
        }
        if !res.status().is_success() {
            return Err(ShopError::BadResponse(format!("HTTP {}", res.status())));
        }
        let body = tokio::time::timeout(LOOKUP_TIMEOUT, res.json::<Value>().limit(4 << 20))
            .await
            .map_err(|_| ShopError::Timeout(LOOKUP_TIMEOUT.as_secs()))?
            .map_err(|e| ShopError::BadResponse(e.to_string()))?;
        Ok(Some(body))
    }

    fn map(&self, v: &Value) -> Result<Order, ShopError> {
        let f = &self.config.fields;
        let text = |p: &str| -> Result<String, ShopError> {
            match v.pointer(p) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(Value::Number(n)) => Ok(n.to_string()),
                _ => Err(ShopError::BadResponse(format!("{p} missing"))),
            }
        };
        let opt = |p: &Option<String>| {
            p.as_deref()
                .and_then(|p| text(p).ok())
                .filter(|s| !s.is_empty())
        };
        let number = |v: &Value, p: &str| -> Result<i64, ShopError> {
            match v.pointer(p) {
                Some(Value::Number(n)) => n
                    .as_i64()
                    .or_else(|| n.as_f64().map(|f| f.round() as i64))
                    .ok_or_else(|| ShopError::BadResponse(format!("{p} not a number"))),
                Some(Value::String(s)) => s
                    .replace(',', "")
                    .parse::<f64>()
                    .map(|f| f.round() as i64)
                    .map_err(|_| ShopError::BadResponse(format!("{p} not a number"))),
                _ => Err(ShopError::BadResponse(format!("{p} missing"))),
            }
        };
        let raw = text(&f.status)?;
        let status = match self.config.status_codes {
            StatusCodes::Cafe24 => OrderStatus::from_cafe24(&raw),
            StatusCodes::Naver => OrderStatus::from_naver(&raw),
            StatusCodes::Plain => OrderStatus::from_plain(&raw),
        }
        .ok_or_else(|| ShopError::BadResponse(format!("unknown status {raw}")))?;
        let items = v
            .pointer(&f.items)
            .and_then(Value::as_array)
            .ok_or_else(|| ShopError::BadResponse(format!("{} missing", f.items)))?
            .iter()
            .map(|it| {
                Ok(OrderItem {
                    name: match it.pointer(&f.item_name) {
                        Some(Value::String(s)) => s.clone(),
                        _ => {
                            return Err(ShopError::BadResponse(format!("{} missing", f.item_name)))
                        }
                    },
                    option: f
                        .item_option
                        .as_deref()
                        .and_then(|p| it.pointer(p))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    quantity: number(it, &f.item_quantity)?.max(0) as u32,
                    price: number(it, &f.item_price)?,
                })
            })
            .collect::<Result<Vec<_>, ShopError>>()?;
        let phone = text(&f.phone)?;
        Ok(Order {
            order_no: text(&f.order_no)?,
            ordered_at: text(&f.ordered_at)?,
            status,
            status_label: status.label_ko().to_string(),
            raw_status: Some(raw),
            customer_name: text(&f.customer_name)?,
            phone: Phone::parse(&phone)
                .map(|p| p.digits().to_string())
                .unwrap_or(phone),
            items,
            total_amount: number(v, &f.total_amount)?,
            payment_method: text(&f.payment_method)?,
            shipping_company: opt(&f.shipping_company),
            tracking_no: opt(&f.tracking_no),
        })
    }
}

fn fill(template: &str, key: &str, value: &str) -> String {
    let enc: String = value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    template.replace(key, &enc)
}

impl ShopProvider for HttpMall {
    fn order<'a>(&'a self, order_no: &'a str) -> ShopFuture<'a, Option<Order>> {
        Box::pin(async move {
            let url = fill(&self.config.order_url, "{orderNo}", order_no.trim());
            let Some(body) = self.get(url).await? else {
                return Ok(None);
            };
            let v = body
                .pointer(&self.config.fields.order)
                .ok_or_else(|| ShopError::BadResponse("order missing".into()))?;
            if v.is_null() {
                return Ok(None);
            }
            self.map(v).map(Some)
        })
    }

    fn recent_orders<'a>(&'a self, phone: &'a Phone) -> ShopFuture<'a, Vec<Order>> {
        Box::pin(async move {
            let url = fill(&self.config.phone_url, "{phone}", phone.digits());
            let Some(body) = self.get(url).await? else {
                return Ok(Vec::new());
            };
            let list = body
                .pointer(&self.config.fields.list)
                .and_then(Value::as_array)
                .ok_or_else(|| ShopError::BadResponse("order list missing".into()))?;
            list.iter().take(10).map(|o| self.map(o)).collect()
        })
    }
}

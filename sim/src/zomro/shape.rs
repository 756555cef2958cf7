//! Answer shapes where the Zomro document is silent (`POST /_sim/zomro/shape`): it
//! documents `instances.fleio.rebuild` only, so the order answer, the list's status
//! words and its dates are BILLmanager's usual rendering, and these switches serve
//! the alternatives a real installation might send (docs/design/wire.md, "Zomro"):
//!
//! - `order_id`: where the order answer carries the new service id: `id` (default,
//!   `doc.id`), `elid` (`doc.elid`), `service` (`doc.service.id`), or `none` (an
//!   accepted order whose answer names no id);
//! - `status_case`: `instance_status` in `lower` case (default, `active`) or `upper`
//!   case (`ACTIVE`);
//! - `date_ms`: a fixed instant (Unix ms) for `createdate` of instances ordered from
//!   now on, so a test can pick a day above 12 and assert the date's value;
//! - `list_item`: how `instances` lists each instance: `whole` (default), `no_id`
//!   (without its `id`) or `no_status` (without `instance_status`), an installation
//!   whose list the provider cannot understand (docs/design/wire.md, "Zomro" instance);
//! - `catalog_item`: how `v2.instances.order.pricelist` renders its price lists:
//!   `whole` (default) or `no_id` (the first without its `id`), a catalog the
//!   provider cannot understand (docs/design/wire.md, "Zomro" catalog).

use crate::util::StatusCase;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::wire::text as t;
use super::Zomro;

/// Where the order answer carries the service id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderId {
    /// `doc.id`.
    #[default]
    Id,
    /// `doc.elid`.
    Elid,
    /// `doc.service.id`.
    Service,
    /// Nowhere.
    None,
}

/// How `instances` lists each instance.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListItem {
    /// Every field.
    #[default]
    Whole,
    /// Without `id`.
    NoId,
    /// Without `instance_status`.
    NoStatus,
}

impl ListItem {
    /// The field this shape leaves out of a listed instance, if any.
    pub fn left_out(self) -> Option<&'static str> {
        match self {
            ListItem::Whole => None,
            ListItem::NoId => Some("id"),
            ListItem::NoStatus => Some("instance_status"),
        }
    }
}

/// How `v2.instances.order.pricelist` renders its price lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatalogItem {
    /// Every field.
    #[default]
    Whole,
    /// The first price list without `id`.
    NoId,
}

/// The shape switches now in force.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Shape {
    /// See the module documentation.
    pub order_id: OrderId,
    /// See the module documentation.
    pub status_case: StatusCase,
    /// See the module documentation.
    pub date_ms: Option<u64>,
    /// See the module documentation.
    pub list_item: ListItem,
    /// See the module documentation.
    pub catalog_item: CatalogItem,
}

/// Body of `POST /_sim/zomro/shape`; a field left out keeps its value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeBody {
    order_id: Option<OrderId>,
    status_case: Option<StatusCase>,
    date_ms: Option<u64>,
    list_item: Option<ListItem>,
    catalog_item: Option<CatalogItem>,
}

impl Shape {
    /// The fields of an accepted order's answer that carry service `id`.
    pub fn order_fields(&self, id: u64) -> Vec<(&'static str, Value)> {
        match self.order_id {
            OrderId::Id => vec![("id", t(id))],
            OrderId::Elid => vec![("elid", t(id))],
            OrderId::Service => vec![("service", json!({ "id": t(id) }))],
            OrderId::None => Vec::new(),
        }
    }

    /// `instance_status` as rendered.
    pub fn status(&self, status: &str) -> String {
        self.status_case.render(status)
    }

    /// `body` (a `v2.instances.order.pricelist` answer) as this shape renders it.
    pub fn catalog(
        &self,
        mut body: serde_json::Map<String, Value>,
    ) -> serde_json::Map<String, Value> {
        if self.catalog_item == CatalogItem::NoId {
            let first = match body.get_mut("pricelist") {
                Some(Value::Array(items)) => items.first_mut(),
                Some(item @ Value::Object(_)) => Some(item),
                _ => None,
            };
            if let Some(Value::Object(item)) = first {
                item.remove("id");
            }
        }
        body
    }

    /// The creation instant of an instance ordered at `now`.
    pub fn created(&self, now: u64) -> u64 {
        self.date_ms.unwrap_or(now)
    }
}

impl Zomro {
    /// Applies `POST /_sim/zomro/shape`; answers the whole shape now in force.
    pub fn set_shape(&mut self, body: ShapeBody) -> Value {
        let shape = &mut self.shape;
        if let Some(v) = body.order_id {
            shape.order_id = v;
        }
        if let Some(v) = body.status_case {
            shape.status_case = v;
        }
        if body.date_ms.is_some() {
            shape.date_ms = body.date_ms;
        }
        if let Some(v) = body.list_item {
            shape.list_item = v;
        }
        if let Some(v) = body.catalog_item {
            shape.catalog_item = v;
        }
        serde_json::to_value(*shape).unwrap_or(Value::Null)
    }
}

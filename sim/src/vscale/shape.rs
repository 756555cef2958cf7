//! Answer shapes where the Vscale document is silent or public clients of the real
//! API show something else (`POST /_sim/vscale/shape`), so that the provider's
//! tolerant readers are tested against each alternative, not only the default:
//!
//! - `upgrade_status`: after the upgrade task, the scalet's status returns to
//!   `started`/`stopped` (`restore`, default), or stays `updated` as in the
//!   document's answer to "Апгрейд конфигурации" (`updated`);
//! - `no_address`: an unassigned address is `{}` as in the document's answers
//!   (`object`, default), or `null` (`null`);
//! - `public_address`: whether a finished create assigns a public address (default
//!   true; false = a scalet without one);
//! - `created`: `created` of new scalets and backups in the document's form
//!   `27.08.2015 10:03:07` (`dotted`, default), or RFC 3339 on Moscow time,
//!   `2015-08-27T13:03:07+03:00` (`rfc3339`);
//! - `date_ms`: a fixed instant (Unix ms) for those dates instead of the clock, so a
//!   test can pick a day above 12 and assert the date's value;
//! - `task_header`: whether changes answer the `VSCALE-TASK-ID` header (default
//!   true; the document shows none), so a client must also cope without it.

use super::Vscale;
use crate::http::ApiResponse;
use crate::util::{rfc3339_moscow, vscale_date};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What an upgrade leaves in `status` when its task ends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpgradeStatus {
    /// The status before the upgrade comes back.
    #[default]
    Restore,
    /// `updated` stays.
    Updated,
}

/// How an address not assigned is rendered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoAddress {
    /// `{}`.
    #[default]
    Object,
    /// `null`.
    Null,
}

/// The form of `created`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateForm {
    /// `dd.mm.yyyy HH:MM:SS`, UTC.
    #[default]
    Dotted,
    /// RFC 3339 with the `+03:00` offset.
    Rfc3339,
}

/// The shape switches; every field of the control body is optional and one left
/// out keeps its current value.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Shape {
    /// See the module documentation.
    pub upgrade_status: UpgradeStatus,
    /// See the module documentation.
    pub no_address: NoAddress,
    /// See the module documentation.
    pub public_address: bool,
    /// See the module documentation.
    pub created: DateForm,
    /// See the module documentation.
    pub date_ms: Option<u64>,
    /// See the module documentation.
    pub task_header: bool,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            upgrade_status: UpgradeStatus::default(),
            no_address: NoAddress::default(),
            public_address: true,
            created: DateForm::default(),
            date_ms: None,
            task_header: true,
        }
    }
}

/// Body of `POST /_sim/vscale/shape`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeBody {
    upgrade_status: Option<UpgradeStatus>,
    no_address: Option<NoAddress>,
    public_address: Option<bool>,
    created: Option<DateForm>,
    date_ms: Option<u64>,
    task_header: Option<bool>,
}

impl Shape {
    /// `created` for an object made at `now`.
    pub fn date(&self, now: u64) -> String {
        let at = self.date_ms.unwrap_or(now);
        match self.created {
            DateForm::Dotted => vscale_date(at),
            DateForm::Rfc3339 => rfc3339_moscow(at),
        }
    }

    /// An answer as sent: without the task header when `task_header` is false.
    pub fn answer(&self, mut response: ApiResponse) -> ApiResponse {
        if !self.task_header {
            response
                .headers
                .retain(|(name, _)| !name.eq_ignore_ascii_case(super::TASK_HEADER));
        }
        response
    }

    /// A rendered scalet as the API answers it: empty address objects become
    /// `null` when `no_address` says so.
    pub fn scalet(&self, mut value: Value) -> Value {
        if self.no_address == NoAddress::Null {
            if let Value::Object(map) = &mut value {
                for field in ["public_address", "private_address"] {
                    if map
                        .get(field)
                        .is_some_and(|a| a.as_object().is_some_and(|o| o.is_empty()))
                    {
                        map.insert(field.into(), Value::Null);
                    }
                }
            }
        }
        value
    }
}

impl Vscale {
    /// Applies `POST /_sim/vscale/shape`; answers the whole shape now in force.
    pub fn set_shape(&mut self, body: ShapeBody) -> Value {
        let shape = &mut self.shape;
        if let Some(v) = body.upgrade_status {
            shape.upgrade_status = v;
        }
        if let Some(v) = body.no_address {
            shape.no_address = v;
        }
        if let Some(v) = body.public_address {
            shape.public_address = v;
        }
        if let Some(v) = body.created {
            shape.created = v;
        }
        if body.date_ms.is_some() {
            shape.date_ms = body.date_ms;
        }
        if let Some(v) = body.task_header {
            shape.task_header = v;
        }
        serde_json::to_value(&*shape).unwrap_or(Value::Null)
    }
}

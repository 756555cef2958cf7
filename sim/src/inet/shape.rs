//! Answer shapes where the iNET document is silent (`POST /_sim/inet/shape`): it
//! prints no answer for "Tạo Snapshot" and "Tạo Volume" and no status words for
//! snapshots, so these switches serve the alternatives a real gateway might send
//! (docs/design/wire.md, "iNET"):
//!
//! - `created`: what a snapshot or volume create answers in `data`: `object`
//!   (default, the new object with its `id`), `bare_id` (the id alone, a number) or
//!   `none` (`null`: an accepted create whose answer names nothing);
//! - `ready_word`: the status of a finished snapshot: `available` (default) or
//!   `active`;
//! - `status_case`: status words (snapshots and `getserver`) in `lower` case
//!   (default) or `upper` case (`ACTIVE`, `SHUTOFF`, `CREATING`).

use crate::util::StatusCase;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Inet;

/// What a create answers in `data`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Created {
    /// The new object.
    #[default]
    Object,
    /// Its id alone.
    BareId,
    /// `null`.
    None,
}

/// The status word of a finished snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadyWord {
    /// `available`.
    #[default]
    Available,
    /// `active`.
    Active,
}

/// The shape switches now in force.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Shape {
    /// See the module documentation.
    pub created: Created,
    /// See the module documentation.
    pub ready_word: ReadyWord,
    /// See the module documentation.
    pub status_case: StatusCase,
}

/// Body of `POST /_sim/inet/shape`; a field left out keeps its value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeBody {
    created: Option<Created>,
    ready_word: Option<ReadyWord>,
    status_case: Option<StatusCase>,
}

impl Shape {
    /// The `data` of a create that made `object`.
    pub fn created_answer(&self, object: Value) -> Value {
        match self.created {
            Created::Object => object,
            Created::BareId => object.get("id").cloned().unwrap_or(Value::Null),
            Created::None => Value::Null,
        }
    }

    /// A rendered snapshot or server with its status word as the shape says.
    pub fn status(&self, mut object: Value) -> Value {
        if let Some(Value::String(status)) = object.get_mut("status") {
            if status == "available" && self.ready_word == ReadyWord::Active {
                *status = "active".into();
            }
            *status = self.status_case.render(status);
        }
        object
    }
}

impl Inet {
    /// Applies `POST /_sim/inet/shape`; answers the whole shape now in force.
    pub fn set_shape(&mut self, body: ShapeBody) -> Value {
        let shape = &mut self.shape;
        if let Some(v) = body.created {
            shape.created = v;
        }
        if let Some(v) = body.ready_word {
            shape.ready_word = v;
        }
        if let Some(v) = body.status_case {
            shape.status_case = v;
        }
        serde_json::to_value(*shape).unwrap_or(Value::Null)
    }
}

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
//!   (default) or `upper` case (`ACTIVE`, `SHUTOFF`, `CREATING`);
//! - `snapshot_item`: "Danh sách Snapshot" lists each snapshot `whole` (default) or
//!   `no_id` (without its `id`);
//! - `server`: "Thông tin Server VPS" answers `whole` (default) or `no_status`
//!   (without `status`, which the document's field table lists);
//! - `data_extend`: "Chi tiết Cloud VPS" carries `dataExtend` as `json` (default,
//!   JSON inside a string) or `text`: the document's own example value,
//!   `"example_dataExtend"`, which is no JSON.
//!
//! The last three serve answers the provider cannot understand (docs/design/wire.md,
//! "iNET": loud failures).

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

/// How "Danh sách Snapshot" lists each snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotItem {
    /// Every field.
    #[default]
    Whole,
    /// Without `id`.
    NoId,
}

/// What "Thông tin Server VPS" answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerShape {
    /// Every field.
    #[default]
    Whole,
    /// Without `status`.
    NoStatus,
}

/// How `dataExtend` is carried.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataExtendShape {
    /// JSON inside a string.
    #[default]
    Json,
    /// The document's example text, `example_dataExtend`.
    Text,
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
    /// See the module documentation.
    pub snapshot_item: SnapshotItem,
    /// See the module documentation.
    pub server: ServerShape,
    /// See the module documentation.
    pub data_extend: DataExtendShape,
}

/// Body of `POST /_sim/inet/shape`; a field left out keeps its value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeBody {
    created: Option<Created>,
    ready_word: Option<ReadyWord>,
    status_case: Option<StatusCase>,
    snapshot_item: Option<SnapshotItem>,
    server: Option<ServerShape>,
    data_extend: Option<DataExtendShape>,
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

    /// A listed snapshot as the shape renders it.
    pub fn snapshot(&self, object: Value) -> Value {
        let object = self.status(object);
        match self.snapshot_item {
            SnapshotItem::Whole => object,
            SnapshotItem::NoId => without(object, "id"),
        }
    }

    /// A `getserver` answer as the shape renders it.
    pub fn server(&self, object: Value) -> Value {
        let object = self.status(object);
        match self.server {
            ServerShape::Whole => object,
            ServerShape::NoStatus => without(object, "status"),
        }
    }

    /// A VPS detail (or list element) as the shape renders its `dataExtend`.
    pub fn detail(&self, mut object: Value) -> Value {
        if self.data_extend == DataExtendShape::Text {
            if let Some(extend) = object.get_mut("dataExtend") {
                // iNET API, "Chi tiết Cloud VPS": the example's `"dataExtend": "example_dataExtend"`.
                *extend = Value::String("example_dataExtend".into());
            }
        }
        object
    }
}

/// `object` without `key`.
fn without(mut object: Value, key: &str) -> Value {
    if let Some(map) = object.as_object_mut() {
        map.remove(key);
    }
    object
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
        if let Some(v) = body.snapshot_item {
            shape.snapshot_item = v;
        }
        if let Some(v) = body.server {
            shape.server = v;
        }
        if let Some(v) = body.data_extend {
            shape.data_extend = v;
        }
        serde_json::to_value(*shape).unwrap_or(Value::Null)
    }
}

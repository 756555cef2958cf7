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
//!   `"example_dataExtend"`, which is no JSON;
//! - `backup_item`: "Danh sách Backup" lists each backup `whole` (default) or the
//!   first one `no_id` (without its `id`);
//! - `list_page`: "Danh sách Cloud VPS" answers its page `whole` (default) or
//!   `no_total_pages` (without `totalPages`, which the document's example and field
//!   table carry);
//! - `secret_answer`: "Lấy SSH Key Pair", "Lấy Private Key" and "URL Console VPS"
//!   answer their key or URL `whole` (default) or `empty` (`""`): `public_key`,
//!   `privateKey`, `url`.
//!
//! The last six serve answers the provider cannot understand (docs/design/wire.md,
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

/// How "Danh sách Backup" lists the backups.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BackupItem {
    /// Every field of every backup (the simulator's element, sim/README.md: the
    /// document prints no answer for "Danh sách Backup").
    #[default]
    Whole,
    /// The first backup without `id`.
    NoId,
}

/// How "Danh sách Cloud VPS" answers its page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListPage {
    /// Every field (iNET API, "Danh sách Cloud VPS": the example and the field
    /// table carry `size`, `number`, `content`, `totalPages`, `totalElements`,
    /// `numberOfElements`).
    #[default]
    Whole,
    /// Without `totalPages`.
    NoTotalPages,
}

/// How the key pair, private key and console answers carry their key or URL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretAnswer {
    /// The value itself (iNET API, "Lấy SSH Key Pair": `public_key` "SSH public
    /// key (RSA format)"; "Lấy Private Key": the PEM or PPK text; "URL Console
    /// VPS": the noVNC URL; the last two answers' keys are the simulator's,
    /// sim/README.md).
    #[default]
    Whole,
    /// `""`.
    Empty,
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
    /// See the module documentation.
    pub backup_item: BackupItem,
    /// See the module documentation.
    pub list_page: ListPage,
    /// See the module documentation.
    pub secret_answer: SecretAnswer,
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
    backup_item: Option<BackupItem>,
    list_page: Option<ListPage>,
    secret_answer: Option<SecretAnswer>,
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

    /// "Danh sách Backup" as the shape renders it.
    pub fn backups(&self, mut list: Vec<Value>) -> Vec<Value> {
        if self.backup_item == BackupItem::NoId {
            if let Some(first) = list.first_mut() {
                *first = without(first.take(), "id");
            }
        }
        list
    }

    /// A "Danh sách Cloud VPS" page as the shape renders it.
    pub fn page(&self, page: Value) -> Value {
        match self.list_page {
            ListPage::Whole => page,
            ListPage::NoTotalPages => without(page, "totalPages"),
        }
    }

    /// A key pair, private key or console answer whose secret field is `field`, as
    /// the shape renders it.
    pub fn secret(&self, mut answer: Value, field: &str) -> Value {
        if self.secret_answer == SecretAnswer::Empty {
            if let Some(value) = answer.get_mut(field) {
                *value = Value::String(String::new());
            }
        }
        answer
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
        if let Some(v) = body.backup_item {
            shape.backup_item = v;
        }
        if let Some(v) = body.list_page {
            shape.list_page = v;
        }
        if let Some(v) = body.secret_answer {
            shape.secret_answer = v;
        }
        serde_json::to_value(*shape).unwrap_or(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A shape with the given switches set over the defaults.
    fn shape(body: Value) -> Shape {
        let mut inet = Inet::new(0);
        inet.set_shape(serde_json::from_value(body).expect("a shape body"));
        inet.shape
    }

    #[test]
    fn the_defaults_are_the_documents_shapes() {
        let whole = Shape::default();
        let backups = vec![json!({"id": 1}), json!({"id": 2})];
        assert_eq!(whole.backups(backups.clone()), backups);
        let page = json!({"content": [], "totalPages": 0});
        assert_eq!(whole.page(page.clone()), page);
        let key = json!({"typeKey": "linux", "privateKey": "PEM"});
        assert_eq!(whole.secret(key.clone(), "privateKey"), key);
    }

    #[test]
    fn each_switch_breaks_only_its_field() {
        let broken = shape(
            json!({"backup_item": "no_id", "list_page": "no_total_pages",
                                  "secret_answer": "empty"}),
        );
        assert_eq!(
            broken.backups(vec![json!({"id": 1, "name": "a"}), json!({"id": 2})]),
            [json!({"name": "a"}), json!({"id": 2})]
        );
        assert_eq!(
            broken.page(json!({"content": [], "totalPages": 0, "totalElements": 0})),
            json!({"content": [], "totalElements": 0})
        );
        assert_eq!(
            broken.secret(
                json!({"typeKey": "linux", "privateKey": "PEM"}),
                "privateKey"
            ),
            json!({"typeKey": "linux", "privateKey": ""})
        );
        assert_eq!(
            broken.secret(json!({"url": "https://x"}), "url"),
            json!({"url": ""})
        );
    }
}

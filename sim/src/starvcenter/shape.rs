//! Answer shapes where the StarVCenter document is silent (`POST /_sim/starvcenter/shape`),
//! so that the provider's tolerant readers are tested against each alternative, not
//! only the default (docs/design/wire.md, "StarVCenter"):
//!
//! - `lock_message`: how a call refused on a locked VM words its `resultinfo`. The
//!   document prints no refusal, only the lock table 附表2 ("只要是为非0状态，代表虚拟机
//!   不能做任何操作"): `locked` (default) says "虚拟机已锁定 … locked (lock code N: name)",
//!   `table_name` names only the table's entry ("快照创建中，请稍后再试"), `plain`
//!   names no lock at all ("操作失败"); the VM's detail shows its lock code in every case;
//! - `task_log`: what `POST cloudtask/search` answers (its path is the project's
//!   assumption): `record` (default, the task record), `refused` (`result: "1"`, an
//!   unknown function), `empty` (`result: "0"` with `data: ""`), `not_base64` (HTTP 200
//!   with an HTML page); `POST /_sim/starvcenter/config {"task_log": false}` still
//!   answers HTTP 404;
//! - `paging`: how `page.startnum` is read: `page` (default, the 1-based page number,
//!   "起始页" of 2.3.6) or `position` (the 1-based position of the first item,
//!   "分页起始位置" of most searches);
//! - `unpaged`: what a search without paging parameters answers: `all` (default, the
//!   whole list, "无分页参数默认查询所有虚拟机" of 2.2.2) or `first_page` (the first 30,
//!   with the whole count in `dataCount`: an installation that caps every answer) or
//!   `refused` (`result: "1"`, as the alarm search 2.15.1 answers without paging);
//! - `create_answer`: what `cloudvm/create` answers in `data` for one VM: `array`
//!   (default, the array 2.2.1 prints) or `object` (the one element alone);
//! - `date_ms`: a fixed instant (Unix ms) for every `*.createtime` instead of the clock,
//!   so a test can pick a day above 12 and assert the date's value.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::model::lock;
use super::StarVCenter;

/// How a refusal on a locked VM is worded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockMessage {
    /// "虚拟机已锁定: vm … is locked (lock code N: name)".
    #[default]
    Locked,
    /// Only the lock table's name of the code.
    TableName,
    /// A refusal that names no lock.
    Plain,
}

/// What the task log answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskLogAnswer {
    /// The task record.
    #[default]
    Record,
    /// `result: "1"`: no such function.
    Refused,
    /// `result: "0"` with `data: ""`.
    Empty,
    /// HTTP 200 with an HTML page instead of base64(JSON).
    NotBase64,
}

/// How `page.startnum` is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Paging {
    /// The 1-based page number.
    #[default]
    Page,
    /// The 1-based position of the page's first item.
    Position,
}

/// What a search without paging parameters answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unpaged {
    /// The whole list.
    #[default]
    All,
    /// The first 30 items, `dataCount` the whole count.
    FirstPage,
    /// Refused (`result: "1"`, paging parameters missing), as 2.15.1 does.
    Refused,
}

/// What `cloudvm/create` answers in `data` for one VM.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreateAnswer {
    /// `[{vm.id, vm.name, jobstartid}]`, as printed.
    #[default]
    Array,
    /// `{vm.id, vm.name, jobstartid}`.
    Object,
}

/// The shape switches now in force.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
pub struct Shape {
    /// See the module documentation.
    pub lock_message: LockMessage,
    /// See the module documentation.
    pub task_log: TaskLogAnswer,
    /// See the module documentation.
    pub paging: Paging,
    /// See the module documentation.
    pub unpaged: Unpaged,
    /// See the module documentation.
    pub create_answer: CreateAnswer,
    /// See the module documentation.
    pub date_ms: Option<u64>,
}

/// Body of `POST /_sim/starvcenter/shape`; a field left out keeps its value.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShapeBody {
    lock_message: Option<LockMessage>,
    task_log: Option<TaskLogAnswer>,
    paging: Option<Paging>,
    unpaged: Option<Unpaged>,
    create_answer: Option<CreateAnswer>,
    date_ms: Option<u64>,
}

impl Shape {
    /// The `resultinfo` of a call refused because `vm` holds lock `code` (task `task`
    /// when a task holds it).
    pub fn lock_refusal(&self, vm: &str, code: i32, task: &str) -> String {
        match self.lock_message {
            LockMessage::Locked => format!(
                "虚拟机已锁定: vm {vm} is locked (lock code {code}: {}{task})",
                lock::name(code)
            ),
            LockMessage::TableName => format!("{}，请稍后再试", lock::name(code)),
            LockMessage::Plain => "操作失败: the operation cannot be done now".to_string(),
        }
    }

    /// The `data` of a `cloudvm/create` that made `created`.
    pub fn created_vms(&self, mut created: Vec<Value>) -> Value {
        match (self.create_answer, created.len()) {
            (CreateAnswer::Object, 1) => created.remove(0),
            _ => Value::Array(created),
        }
    }

    /// The creation time shown for an object made at `ms`.
    pub fn created(&self, ms: u64) -> u64 {
        self.date_ms.unwrap_or(ms)
    }
}

impl StarVCenter {
    /// Applies `POST /_sim/starvcenter/shape`; answers the whole shape now in force.
    pub fn set_shape(&mut self, body: ShapeBody) -> Value {
        let shape = &mut self.shape;
        if let Some(v) = body.lock_message {
            shape.lock_message = v;
        }
        if let Some(v) = body.task_log {
            shape.task_log = v;
        }
        if let Some(v) = body.paging {
            shape.paging = v;
        }
        if let Some(v) = body.unpaged {
            shape.unpaged = v;
        }
        if let Some(v) = body.create_answer {
            shape.create_answer = v;
        }
        if body.date_ms.is_some() {
            shape.date_ms = body.date_ms;
        }
        serde_json::to_value(*shape).unwrap_or(Value::Null)
    }
}

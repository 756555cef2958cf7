//! The VM type and model dictionary (doc 2.2.19 "录入云主机型号或类型", 2.2.20
//! "删除云主机型号或类型"): entries added through the API join the seeded ones in
//! `GET cloudvm/model` (2.2.17), and a model added this way can install VMs
//! (`vm.tenant.model`) with the simulator's generic system disk.

use super::catalog::{self, Source};
use super::{fail, Answer, Call, Fail, StarVCenter};
use serde_json::{json, Value};

/// What a VM installed from an added model gets (the document says nothing of it).
pub const ADDED_MODEL: Source = Source {
    id: "",
    name: "",
    tenant_type: "",
    disk_gb: 40,
    soft_shutdown: true,
};

/// One entry added through 2.2.19.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The id 2.2.19 answers and 2.2.20 takes.
    pub id: String,
    /// `type`: `tenant_type` for a VM type, else the type code the model belongs to.
    pub kind: String,
    /// `label`: the type or model name.
    pub label: String,
    /// `value`: the type or model code.
    pub value: String,
    /// `description`.
    pub description: String,
}

impl Entry {
    /// Whether it is a VM type (`type` = `tenant_type`).
    fn is_type(&self) -> bool {
        self.kind == "tenant_type"
    }
}

impl StarVCenter {
    /// Whether `code` names a VM type, seeded or added.
    fn type_exists(&self, code: &str) -> bool {
        catalog::TYPES.iter().any(|(c, _)| *c == code)
            || self
                .dictionary
                .iter()
                .any(|e| e.is_type() && e.value == code)
    }

    /// The type code of a model added through 2.2.19.
    pub(super) fn added_model_type(&self, code: &str) -> Option<String> {
        self.dictionary
            .iter()
            .find(|e| !e.is_type() && e.value == code)
            .map(|e| e.kind.clone())
    }

    /// `POST cloudvm/addVhostModelAndType` (2.2.19): `type`, `label`, `value` required.
    pub(super) fn add_dictionary_entry(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let kind = p.req("type")?;
        let label = p.req("label")?;
        let value = p.req("value")?;
        if kind != "tenant_type" && !self.type_exists(&kind) {
            return fail(format!(
                "字典类型不存在: type {kind:?} is neither tenant_type nor a VM type code"
            ));
        }
        let taken = if kind == "tenant_type" {
            self.type_exists(&value)
        } else {
            catalog::model(&value).is_some() || self.added_model_type(&value).is_some()
        };
        if taken {
            return fail(format!("字典值已存在: value {value:?} already exists"));
        }
        let id = self.new_id("dict");
        self.dictionary.push(Entry {
            id: id.clone(),
            kind,
            label,
            value,
            description: p.str("description").unwrap_or_default(),
        });
        Ok(Answer::data(json!([{ "id": id }])))
    }

    /// `DELETE cloudvm/delVhostModelAndType/{id}` (2.2.20): a type that still has
    /// models, or a model VMs were installed from, stays.
    pub(super) fn delete_dictionary_entry(&mut self, id: &str) -> Result<Answer, Fail> {
        let Some(index) = self.dictionary.iter().position(|e| e.id == id.trim()) else {
            return fail(format!("字典不存在: dictionary entry {id} not found"));
        };
        let entry = &self.dictionary[index];
        if entry.is_type() && self.dictionary.iter().any(|e| e.kind == entry.value) {
            return fail(format!(
                "类型下存在型号: type {} still has models",
                entry.value
            ));
        }
        if !entry.is_type() && self.vms.values().any(|v| v.model == entry.value) {
            return fail(format!(
                "型号正在使用: model {} is used by VMs",
                entry.value
            ));
        }
        self.dictionary.remove(index);
        Ok(Answer::data(json!({})))
    }

    /// `GET cloudvm/model` (2.2.17): the seeded types and models with the added ones.
    pub(super) fn models_json(&self) -> Value {
        let mut types = catalog::models_json();
        let Value::Array(list) = &mut types else {
            return types;
        };
        for e in self.dictionary.iter().filter(|e| e.is_type()) {
            list.push(
                json!({"vm.tenant.type": e.value, "vm.tenant.typename": e.label, "model": []}),
            );
        }
        for e in self.dictionary.iter().filter(|e| !e.is_type()) {
            let model = json!({"vm.tenant.mode": e.value, "vm.tenant.modelname": e.label});
            if let Some(t) = list
                .iter_mut()
                .find(|t| t["vm.tenant.type"] == e.kind.as_str())
            {
                if let Some(Value::Array(models)) = t.get_mut("model") {
                    models.push(model);
                }
            }
        }
        types
    }
}

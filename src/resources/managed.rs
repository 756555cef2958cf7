//! The one resource layer. A managed resource implements [`Managed`]: its schema, the
//! mapping between its state and the cloud's object, its plan rules and its calls.
//! [`Layer`] does, once for every resource, what each would otherwise repeat:
//!
//! - the configured cloud's capability at plan (create, change in place) and import;
//! - `timeouts`: checked at validate; create, update and delete run within their limit;
//! - refresh with the not-found rule: only the cloud's own not-found drops the
//!   resource from state; any other failure keeps it, with an error;
//! - import: the object read by the given id into a fresh state;
//! - replacement of the attributes declared with [`SchemaBuilder::replaces`];
//! - a create that fails once the object's id is known returns that id (read back
//!   once), so Terraform keeps the object, tainted, instead of losing it;
//! - destroy, with a warning where the cloud can only forget the object;
//! - empty is absent: an optional text the configuration leaves out stays null when
//!   the cloud answers `""` for it (a written `""` stays `""`).

use std::future::Future;
use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value as Json;

use crate::cloud::{Cloud, CloudError, CreateError, Feature};
use crate::model::Deleted;
use crate::resources::common::*;
use crate::tfplugin::resource::{from_tree, to_tree};
use crate::tfplugin::schema::{AttributeConstraint, AttributeType, Block, NestedBlock, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, DynamicResource};

/// What a managed resource keeps to itself. The states are typed; the layer hands each
/// hook the configured cloud, the object's id and the operation's time limit.
#[async_trait]
pub trait Managed: Send + Sync + 'static {
    /// The state (also the shape of the configuration and the plan).
    type State: Serialize + DeserializeOwned + Default + Send + Sync;
    /// What the cloud reports of the object (a domain model type).
    type Object: Send;
    /// Its row of the capability matrix.
    const FEATURE: Feature;
    /// How messages name it: "server", "backup".
    const NOUN: &'static str;

    /// The schema, with its replacing attributes.
    fn schema(&self) -> SchemaBuilder;

    /// Checks the configuration beyond its schema and `timeouts` (no API call).
    fn validate(&self, diags: &mut Diagnostics, config: &Self::State) {
        let _ = (diags, config);
    }

    /// Writes what the cloud reports into the state.
    fn apply(&self, state: &mut Self::State, object: Self::Object);

    /// What [`Self::fetch`] finds the object by (the import id): its `id` unless the
    /// cloud needs more.
    fn address(&self, state: &Self::State, id: &str) -> String {
        let _ = state;
        id.to_string()
    }

    /// Reads the object; `Ok(None)` only when the cloud says it does not exist.
    async fn fetch(&self, cloud: &dyn Cloud, address: &str) -> Found<Self::Object>;

    /// Plans a new object (on a cloud that can create it, when one is configured).
    async fn plan_create(&self, plan: Plan<'_, Self::State>) {
        let _ = plan;
    }

    /// Plans a change: adds replacements beyond the declared ones to `replace` and
    /// returns whether anything changes in place (which the cloud must then allow).
    async fn plan_update(&self, plan: Plan<'_, Self::State>, prior: &Self::State) -> bool {
        let _ = (plan, prior);
        false
    }

    /// The summary of a failed create.
    fn create_failed(&self, planned: &Self::State) -> String {
        let _ = planned;
        format!("Cannot create the {}", Self::NOUN)
    }

    /// Makes the object and writes it into `state` (the plan). Errors added to `diags`
    /// after the object exists keep it, tainted; a [`CreateError`] with an id too.
    async fn create(&self, op: Call<'_, Self::State>, state: &mut Self::State) -> Made;

    /// Changes the object in place and answers the new state (the default: nothing to
    /// change remotely).
    async fn update(
        &self,
        op: Call<'_, Self::State>,
        prior: Self::State,
        planned: Self::State,
    ) -> Option<Self::State> {
        let _ = (op, prior);
        Some(planned)
    }

    /// Deletes the object.
    async fn delete(&self, op: Call<'_, Self::State>) -> Result<Deleted, CloudError>;

    /// A fresh state of the object imported as `id`.
    async fn import(
        &self,
        diags: &mut Diagnostics,
        cloud: &dyn Cloud,
        id: &str,
    ) -> Option<Self::State> {
        fresh(self, diags, cloud, id, |s, o| self.apply(s, o)).await
    }

    /// Reads the object back into `state` after a change; a failure is an error.
    async fn read_back(
        &self,
        diags: &mut Diagnostics,
        cloud: &dyn Cloud,
        state: &mut Self::State,
        id: &str,
    ) {
        let address = self.address(state, id);
        match self.fetch(cloud, &address).await {
            Ok(Some(object)) => self.apply(state, object),
            Ok(None) => diags.root_error(
                format!("{} not found after the change", capitalised(Self::NOUN)),
                format!("{} {id} is no longer reported by the cloud.", Self::NOUN),
            ),
            Err(e) => report(diags, &format!("Cannot read {} {id}", Self::NOUN), &e, None),
        }
    }
}

/// The object `id` read into a fresh state with `apply`, or an error saying it is
/// absent.
pub async fn fresh<M: Managed + ?Sized>(
    resource: &M,
    diags: &mut Diagnostics,
    cloud: &dyn Cloud,
    id: &str,
    apply: impl FnOnce(&mut M::State, M::Object) + Send,
) -> Option<M::State> {
    let what = format!("{} {id:?}", M::NOUN);
    match resource.fetch(cloud, id).await {
        Ok(Some(object)) => {
            let mut state = M::State::default();
            apply(&mut state, object);
            Some(state)
        }
        Ok(None) => {
            let detail = format!("No {what} exists.");
            diags.root_error(format!("Cannot import {what}"), detail);
            None
        }
        Err(e) => {
            report(diags, &format!("Cannot import {what}"), &e, None);
            None
        }
    }
}

/// What a plan hook sees: the cloud (when configured), the configuration, the planned
/// state it may change, and the replacements found so far.
pub struct Plan<'a, S> {
    /// Where errors and warnings go.
    pub diags: &'a mut Diagnostics,
    /// The configured cloud; `None` while the provider's configuration is unknown.
    pub cloud: Option<&'a dyn Cloud>,
    /// The plan being made.
    pub planned: &'a mut S,
    /// The configuration.
    pub config: &'a S,
    /// Attributes whose change replaces the object.
    pub replace: &'a mut Vec<AttributePath>,
}

/// What a create, update or delete hook sees.
pub struct Call<'a, S> {
    /// Where errors and warnings go.
    pub diags: &'a mut Diagnostics,
    /// The configured cloud.
    pub cloud: &'a dyn Cloud,
    /// The object's id (empty for a create).
    pub id: &'a str,
    /// The configuration (write-only values are only here); for a delete, the prior
    /// state.
    pub config: &'a S,
    /// The operation's `timeouts` limit.
    pub limit: Duration,
}

/// What a create hook answers.
pub type Made = Result<(), CreateError>;

/// What a read of the object answers: `Ok(None)` only for the cloud's own not-found.
pub type Found<T> = Result<Option<T>, CloudError>;

fn capitalised(noun: &str) -> String {
    let mut chars = noun.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// A [`Managed`] resource over the provider's shared cloud, as the server calls it.
pub struct Layer<M> {
    resource: M,
    shared: SharedCloud,
    schema: Schema,
    replacing: Vec<Replacing>,
    texts: Texts,
    timed: bool,
}

/// The optional texts of a block (its own and its nested blocks'), for the rule that
/// empty is absent.
#[derive(Debug, Default)]
struct Texts {
    own: Vec<String>,
    nested: Vec<(String, Texts)>,
}

impl Texts {
    /// Those of `block`: optional (never computed), non-write-only strings.
    fn of(block: &Block) -> Self {
        let own = block.attributes.iter().filter(|(_, a)| {
            matches!(a.constraint, AttributeConstraint::Optional)
                && matches!(a.attr_type, AttributeType::String)
                && !a.write_only
        });
        let nested = block.blocks.iter().map(|(name, nested)| {
            let (NestedBlock::Single(b)
            | NestedBlock::List(b)
            | NestedBlock::Set(b)
            | NestedBlock::Optional(b)) = nested;
            (name.clone(), Texts::of(b))
        });
        Texts {
            own: own.map(|(name, _)| name.clone()).collect(),
            nested: nested.filter(|(_, t)| !t.is_empty()).collect(),
        }
    }

    fn is_empty(&self) -> bool {
        self.own.is_empty() && self.nested.is_empty()
    }

    /// Which of these texts `tree` holds as `""` (by block, over all its elements):
    /// the written empty texts, which stay.
    fn empty_in(&self, tree: &Json) -> Texts {
        let objects = elements(tree);
        let empty = |name: &String| objects.iter().any(|o| o.get(name) == Some(&Json::from("")));
        Texts {
            own: self.own.iter().filter(|n| empty(n)).cloned().collect(),
            nested: self
                .nested
                .iter()
                .map(|(name, texts)| {
                    let inner: Vec<Json> = objects
                        .iter()
                        .filter_map(|o| o.get(name))
                        .flat_map(|v| elements(v).into_iter().cloned().map(Json::Object))
                        .collect();
                    (name.clone(), texts.empty_in(&Json::Array(inner)))
                })
                .collect(),
        }
    }

    /// Empty is absent: each of these texts `tree` holds as `""` becomes null, unless
    /// `kept` (what the reference held as `""`) names it.
    fn clear(&self, kept: &Texts, tree: &mut Json) {
        for object in elements_mut(tree) {
            for name in self.own.iter().filter(|n| !kept.own.contains(n)) {
                if object.get(name) == Some(&Json::from("")) {
                    object.insert(name.clone(), Json::Null);
                }
            }
            for (name, texts) in &self.nested {
                let none = Texts::default();
                let inner_kept = kept.nested.iter().find(|(n, _)| n == name);
                if let Some(inner) = object.get_mut(name) {
                    texts.clear(inner_kept.map_or(&none, |(_, k)| k), inner);
                }
            }
        }
    }
}

/// The objects of a block value: itself, or the elements of a list or set.
fn elements(tree: &Json) -> Vec<&serde_json::Map<String, Json>> {
    match tree {
        Json::Object(map) => vec![map],
        Json::Array(items) => items.iter().filter_map(Json::as_object).collect(),
        _ => Vec::new(),
    }
}

/// [`elements`], mutable.
fn elements_mut(tree: &mut Json) -> Vec<&mut serde_json::Map<String, Json>> {
    match tree {
        Json::Object(map) => vec![map],
        Json::Array(items) => items.iter_mut().filter_map(Json::as_object_mut).collect(),
        _ => Vec::new(),
    }
}

/// The boxed layer of `resource`, for the registry.
pub fn layer<M: Managed>(resource: M, shared: &SharedCloud) -> Box<dyn DynamicResource> {
    let builder = resource.schema();
    let replacing = builder.replacing().to_vec();
    let schema = builder.build();
    let texts = Texts::of(&schema.block);
    let timed = schema.block.blocks.contains_key("timeouts");
    Box::new(Layer {
        resource,
        shared: shared.clone(),
        schema,
        replacing,
        texts,
        timed,
    })
}

const STATE: &str = "resource state";

/// The `id` of a state tree.
fn id_of(tree: &Json) -> String {
    tree.get("id")
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

impl<M: Managed> Layer<M> {
    /// The `phase` limit of the `timeouts` block in `tree`, or its default.
    fn limit(&self, tree: &Json, phase: Phase) -> Duration {
        let written = tree.get("timeouts").cloned().unwrap_or(Json::Null);
        let timeouts: Value<Timeouts> = serde_json::from_value(written).unwrap_or_default();
        timeout(&timeouts, phase)
    }

    /// Runs `work` within `limit` when the resource has `timeouts`.
    async fn timed<F: Future>(&self, limit: Duration, work: F) -> F::Output {
        if self.timed {
            crate::http::within(crate::http::deadline_in(limit), work).await
        } else {
            work.await
        }
    }

    /// The state tree of `state`, where an optional text the cloud answered `""` for
    /// stays null unless `written` (the configuration, or the prior state) holds `""`.
    fn typed_out(
        &self,
        diags: &mut Diagnostics,
        state: &M::State,
        written: &Texts,
    ) -> Option<Json> {
        let mut tree = to_tree(diags, STATE, state)?;
        self.texts.clear(written, &mut tree);
        Some(tree)
    }

    /// Declared replacements that differ between the prior state and the plan.
    fn replaced(&self, prior: &Json, proposed: &Json) -> Vec<AttributePath> {
        let at = |tree: &Json, name: &str| tree.get(name).cloned().unwrap_or(Json::Null);
        self.replacing
            .iter()
            .filter(|r| {
                let (old, new) = (at(prior, &r.name), at(proposed, &r.name));
                old != new && !(r.adopt_after_import && old.is_null())
            })
            .map(|r| AttributePath::new(r.name.clone()))
            .collect()
    }

    /// Whether the configured cloud (once there is one) can `op` this resource; when
    /// it cannot, an error with the cloud's advice.
    fn allowed(&self, diags: &mut Diagnostics, op: Op) -> bool {
        let cloud = self.shared.get();
        cloud.is_none_or(|cloud| check_capability(diags, cloud.as_ref(), M::FEATURE, op))
    }
}

#[async_trait]
impl<M: Managed> DynamicResource for Layer<M> {
    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(self.schema.clone())
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Json) -> Option<()> {
        if self.timed {
            let written = config.get("timeouts").cloned().unwrap_or(Json::Null);
            let timeouts = from_tree(diags, "configuration", written)?;
            validate_timeouts(diags, &timeouts);
        }
        let config = from_tree(diags, "configuration", config)?;
        self.resource.validate(diags, &config);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Json) -> Option<Json> {
        let cloud = self.shared.cloud(diags)?;
        let (id, written) = (id_of(&state), self.texts.empty_in(&state));
        let mut state: M::State = from_tree(diags, STATE, state)?;
        let address = self.resource.address(&state, &id);
        match self.resource.fetch(cloud.as_ref(), &address).await {
            Ok(Some(object)) => self.resource.apply(&mut state, object),
            Ok(None) => {
                tracing::info!(
                    "{} {address} is gone from the cloud; removing it from state",
                    M::NOUN
                );
                return None;
            }
            Err(e) => report(
                diags,
                &format!("Cannot read {} {address}", M::NOUN),
                &e,
                None,
            ),
        }
        self.typed_out(diags, &state, &written)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Json,
        config: Json,
    ) -> Option<Json> {
        if !self.allowed(diags, Op::Create) {
            return None;
        }
        let cloud = self.shared.get();
        let mut planned = from_tree(diags, "proposed state", proposed)?;
        let config = from_tree(diags, "configuration", config)?;
        let mut replace = Vec::new();
        let plan = Plan {
            diags,
            cloud: cloud.as_deref(),
            planned: &mut planned,
            config: &config,
            replace: &mut replace,
        };
        self.resource.plan_create(plan).await;
        to_tree(diags, STATE, &planned)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Json,
        proposed: Json,
        config: Json,
    ) -> Option<(Json, Vec<AttributePath>)> {
        let mut replace = self.replaced(&prior, &proposed);
        let prior = from_tree(diags, STATE, prior)?;
        let mut planned = from_tree(diags, "proposed state", proposed)?;
        let config = from_tree(diags, "configuration", config)?;
        let cloud = self.shared.get();
        let plan = Plan {
            diags,
            cloud: cloud.as_deref(),
            planned: &mut planned,
            config: &config,
            replace: &mut replace,
        };
        let in_place = self.resource.plan_update(plan, &prior).await;
        if in_place && replace.is_empty() && !self.allowed(diags, Op::Update) {
            return None;
        }
        Some((to_tree(diags, STATE, &planned)?, replace))
    }

    async fn create(&self, diags: &mut Diagnostics, planned: Json, config: Json) -> Option<Json> {
        let cloud = self.shared.cloud(diags)?;
        let (limit, written) = (
            self.limit(&planned, Phase::Create),
            self.texts.empty_in(&config),
        );
        let mut state: M::State = from_tree(diags, "planned state", planned)?;
        let config = from_tree(diags, "configuration", config)?;
        let op = Call {
            diags,
            cloud: cloud.as_ref(),
            id: "",
            config: &config,
            limit,
        };
        let created = self
            .timed(limit, self.resource.create(op, &mut state))
            .await;
        if let Err(failure) = created {
            let summary = self.resource.create_failed(&state);
            report(diags, &summary, &failure.error, None);
            // The object exists remotely: keep it in state (Terraform taints it).
            let id = failure.id?;
            let address = self.resource.address(&state, &id);
            if let Ok(Some(object)) = self.resource.fetch(cloud.as_ref(), &address).await {
                self.resource.apply(&mut state, object);
            }
            let mut tree = self.typed_out(diags, &state, &written)?;
            if let Json::Object(map) = &mut tree {
                map.insert("id".into(), Json::String(id));
            }
            return Some(tree);
        }
        self.typed_out(diags, &state, &written)
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Json,
        planned: Json,
        config: Json,
    ) -> Option<Json> {
        let cloud = self.shared.cloud(diags)?;
        let (id, limit) = (id_of(&prior), self.limit(&planned, Phase::Update));
        let written = self.texts.empty_in(&config);
        let prior = from_tree(diags, STATE, prior)?;
        let planned = from_tree(diags, "planned state", planned)?;
        let config = from_tree(diags, "configuration", config)?;
        let op = Call {
            diags,
            cloud: cloud.as_ref(),
            id: &id,
            config: &config,
            limit,
        };
        let updated = self.timed(limit, self.resource.update(op, prior, planned));
        let state = updated.await?;
        self.typed_out(diags, &state, &written)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Json) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let (id, limit) = (id_of(&prior), self.limit(&prior, Phase::Delete));
        let prior = from_tree(diags, STATE, prior)?;
        let op = Call {
            diags,
            cloud: cloud.as_ref(),
            id: &id,
            config: &prior,
            limit,
        };
        let deleted = self.timed(limit, self.resource.delete(op)).await;
        match deleted {
            Ok(Deleted::Gone) => Some(()),
            Ok(Deleted::Forgotten(warning)) => {
                let summary = format!("{} {id} was only removed from state", M::NOUN);
                diags.root_warning(summary, warning);
                Some(())
            }
            Err(e) => {
                report(diags, &format!("Cannot delete {} {id}", M::NOUN), &e, None);
                None
            }
        }
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Json> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), M::FEATURE, Op::Read) {
            return None;
        }
        let state = self.resource.import(diags, cloud.as_ref(), &id).await?;
        self.typed_out(diags, &state, &Texts::default())
    }

    async fn upgrade(&self, diags: &mut Diagnostics, version: i64, prior: Json) -> Option<Json> {
        let tree = crate::tfplugin::upgrade::to_current(diags, &self.schema, version, prior)?;
        let state: M::State = from_tree(diags, STATE, tree)?;
        to_tree(diags, STATE, &state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts() -> Texts {
        let rule = SchemaBuilder::new("rule")
            .optional("port", AttributeType::String, "")
            .computed("id", AttributeType::String, "")
            .into_block();
        let schema = SchemaBuilder::new("r")
            .optional("description", AttributeType::String, "")
            .optional_computed("name", AttributeType::String, "")
            .block("rule", NestedBlock::Set(rule))
            .build();
        Texts::of(&schema.block)
    }

    #[test]
    fn an_empty_answer_for_an_unwritten_text_is_null_and_a_written_one_stays() {
        let texts = texts();
        let answer = json!({"description": "", "name": "", "id": "",
                            "rule": [{"port": "", "id": "r1"}, {"port": "22", "id": "r2"}]});
        let mut tree = answer.clone();
        let unwritten = json!({"description": null, "rule": [{"port": null}, {"port": "22"}]});
        texts.clear(&texts.empty_in(&unwritten), &mut tree);
        assert_eq!(tree["description"], Json::Null);
        assert_eq!(tree["name"], json!(""), "computed texts are the cloud's");
        assert_eq!(tree["id"], json!(""));
        assert_eq!(tree["rule"][0]["port"], Json::Null);
        assert_eq!(tree["rule"][1]["port"], json!("22"));
        let mut tree = answer;
        let written = json!({"description": "", "rule": [{"port": ""}]});
        texts.clear(&texts.empty_in(&written), &mut tree);
        assert_eq!(tree["description"], json!(""));
        assert_eq!(tree["rule"][0]["port"], json!(""));
    }

    #[test]
    fn replacements_are_declared_on_the_attribute() {
        let builder = SchemaBuilder::new("r")
            .required("vps_id", AttributeType::String, "")
            .replaces()
            .optional("direction", AttributeType::String, "")
            .replaces_once_reported()
            .optional("description", AttributeType::String, "");
        let names: Vec<(&str, bool)> = builder
            .replacing()
            .iter()
            .map(|r| (r.name.as_str(), r.adopt_after_import))
            .collect();
        assert_eq!(names, [("vps_id", false), ("direction", true)]);
    }
}

//! `polycloud_slb`: a server load balancer with `backend` blocks, a `health_check`
//! block and an optional HTTPS certificate. Back ends are matched by `name`:
//! an update adds, modifies (port, weight) and deletes only the nodes that changed.
//! `enabled` starts or stops it; certificate changes are sent on their own. Every
//! range is checked at validate, before any API call. `https_private_key` is
//! sensitive and never logged.

use std::collections::BTreeMap;

use crate::model::{Slb, SlbBackend, SlbHealth, SlbSpec};
use crate::resources::common::*;
use crate::tfplugin::schema::NestedBlock;

/// The `health_check` block.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HealthBlock {
    /// Retries, 2–10.
    pub retries: Value<i64>,
    /// Seconds between checks, 1–50.
    pub interval: Value<i64>,
    /// Seconds per check, 1–300.
    pub timeout: Value<i64>,
    /// Idle connection timeout, 1–120 s.
    pub idle: Value<i64>,
    /// HTTP path checked.
    pub path: Value<String>,
}

/// One `backend` block.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BackendBlock {
    /// Node id (computed).
    pub id: Value<String>,
    /// Name; identifies the node.
    pub name: Value<String>,
    /// Address.
    pub ip: Value<String>,
    /// Port, 1–65535.
    pub port: Value<i64>,
    /// Server behind it.
    pub vps_id: Value<String>,
    /// Weight, 1–10.
    pub weight: Value<i64>,
}

impl BackendBlock {
    /// The domain back end.
    fn to_backend(&self) -> SlbBackend {
        SlbBackend {
            id: known(&self.id).map(String::from),
            name: known(&self.name).unwrap_or_default().into(),
            ip: known(&self.ip).unwrap_or_default().into(),
            port: self.port.as_ref_option().copied().unwrap_or_default(),
            vps_id: known(&self.vps_id).unwrap_or_default().into(),
            weight: self.weight.as_ref_option().copied(),
        }
    }

    /// Whether `other` can become this node in place (modify changes port and weight).
    fn same_node(&self, other: &BackendBlock) -> bool {
        self.name == other.name && self.ip == other.ip && self.vps_id == other.vps_id
    }
}

/// Terraform state of `polycloud_slb`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SlbState {
    /// Cloud id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// tcp, udp, http, https.
    pub protocol: Value<String>,
    /// inner, outer.
    pub network_type: Value<String>,
    /// Front-end address.
    pub frontend_ip: Value<String>,
    /// Front-end port.
    pub frontend_port: Value<i64>,
    /// Back-end port.
    pub backend_port: Value<i64>,
    /// Router VM.
    pub router_vps_id: Value<String>,
    /// rr, wrr, wlc.
    pub policy: Value<String>,
    /// Connection limit.
    pub max_connections: Value<i64>,
    /// HTTP application path.
    pub url_path: Value<String>,
    /// Owning tenant.
    pub tenant_id: Value<String>,
    /// Started.
    pub enabled: Value<bool>,
    /// PEM certificate.
    pub https_certificate: Value<String>,
    /// PEM private key (sensitive, stored in state).
    pub https_private_key: Value<String>,
    /// PEM private key, write-only: in configuration only, never in state or plan.
    pub https_private_key_wo: Value<String>,
    /// Bump to install a new `https_private_key_wo`.
    pub https_private_key_wo_version: Value<i64>,
    /// Node ids, in `backend` order.
    pub backend_ids: StringList,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// `health_check` block.
    pub health_check: Value<HealthBlock>,
    /// `backend` blocks.
    pub backend: Value<Vec<Value<BackendBlock>>>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

impl SlbState {
    /// This state with the write-only key of `config` standing in for the stored one.
    fn with_written_key(mut self, config: &SlbState) -> SlbState {
        if self.https_private_key.is_null() {
            self.https_private_key = config.https_private_key_wo.clone();
        }
        self
    }

    /// The back ends written (or held).
    fn backends(&self) -> Vec<BackendBlock> {
        self.backend
            .as_ref_option()
            .map(|bs| {
                bs.iter()
                    .filter_map(|b| b.as_ref_option().cloned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The settings in the domain model.
    fn spec(&self) -> SlbSpec {
        let s = |v: &Value<String>| known(v).map(String::from);
        let n = |v: &Value<i64>| v.as_ref_option().copied();
        let h = self
            .health_check
            .as_ref_option()
            .cloned()
            .unwrap_or_default();
        SlbSpec {
            name: s(&self.name).unwrap_or_default(),
            description: s(&self.description),
            protocol: s(&self.protocol).unwrap_or_default(),
            network_type: s(&self.network_type).unwrap_or_default(),
            frontend_ip: s(&self.frontend_ip).unwrap_or_default(),
            frontend_port: n(&self.frontend_port).unwrap_or_default(),
            backend_port: n(&self.backend_port),
            router_vps_id: s(&self.router_vps_id).unwrap_or_default(),
            policy: s(&self.policy),
            max_connections: n(&self.max_connections),
            url_path: s(&self.url_path),
            tenant_id: s(&self.tenant_id),
            health: SlbHealth {
                retries: n(&h.retries),
                interval: n(&h.interval),
                timeout: n(&h.timeout),
                idle: n(&h.idle),
                path: s(&h.path),
            },
            https_certificate: s(&self.https_certificate),
            https_private_key: s(&self.https_private_key),
        }
    }

    /// Whether a setting that `cloudslb/modify` changes differs from `other`.
    fn settings_differ(&self, other: &SlbState) -> bool {
        self.name != other.name
            || self.description != other.description
            || self.frontend_ip != other.frontend_ip
            || self.frontend_port != other.frontend_port
            || self.policy != other.policy
            || self.max_connections != other.max_connections
            || self.health_check != other.health_check
    }
}

/// Overwrites `slot` with the cloud's value when it is set in state or `all`.
fn take<T: Clone>(slot: &mut Value<T>, cloud: Option<T>, all: bool) {
    if all || !slot.is_null() {
        *slot = val(cloud);
    }
}

/// Writes what the cloud reports. Optional settings the user left out stay null
/// (the cloud's defaults are not drift), except on import (`all`).
fn apply_slb(state: &mut SlbState, slb: Slb, all: bool) {
    let spec = slb.spec;
    state.id = Value::Value(slb.id);
    state.name = Value::Value(spec.name);
    keep_written(&mut state.description, spec.description);
    state.protocol = Value::Value(spec.protocol);
    state.network_type = Value::Value(spec.network_type);
    state.frontend_ip = Value::Value(spec.frontend_ip);
    state.frontend_port = Value::Value(spec.frontend_port);
    state.router_vps_id = Value::Value(spec.router_vps_id);
    take(&mut state.backend_port, spec.backend_port, true);
    take(&mut state.policy, spec.policy, true);
    take(&mut state.max_connections, spec.max_connections, true);
    take(&mut state.url_path, spec.url_path, true);
    take(&mut state.tenant_id, spec.tenant_id, true);
    state.enabled = val(slb.enabled);
    state.created_at = val(slb.created_at);
    apply_health(state, spec.health, all);
    apply_backends(state, slb.backends, all);
}

/// Writes the cloud's health check into the block the user wrote (or on import).
fn apply_health(state: &mut SlbState, health: SlbHealth, all: bool) {
    let any = health != SlbHealth::default();
    let Some(block) = state.health_check.as_mut_option() else {
        if all && any {
            state.health_check = Value::Value(HealthBlock {
                retries: val(health.retries),
                interval: val(health.interval),
                timeout: val(health.timeout),
                idle: val(health.idle),
                path: val(health.path),
            });
        }
        return;
    };
    take(&mut block.retries, health.retries, all);
    take(&mut block.interval, health.interval, all);
    take(&mut block.timeout, health.timeout, all);
    take(&mut block.idle, health.idle, all);
    take(&mut block.path, health.path, all);
}

/// Writes the cloud's nodes: those the state knows (by id) keep their place, the
/// others (made out of band) follow; a node gone from the cloud leaves the list.
fn apply_backends(state: &mut SlbState, nodes: Vec<SlbBackend>, all: bool) {
    let mut by_id: BTreeMap<String, SlbBackend> = nodes
        .into_iter()
        .map(|n| (n.id.clone().unwrap_or_default(), n))
        .collect();
    let mut out = Vec::new();
    for mut block in state.backends() {
        let found = match known(&block.id) {
            Some(id) => by_id.remove(id),
            None => take_same(&mut by_id, &block),
        };
        let Some(node) = found else {
            continue;
        };
        block.id = val(node.id);
        block.name = Value::Value(node.name);
        block.ip = Value::Value(node.ip);
        block.port = Value::Value(node.port);
        block.vps_id = Value::Value(node.vps_id);
        take(&mut block.weight, node.weight, all);
        out.push(block);
    }
    for node in by_id.into_values() {
        out.push(BackendBlock {
            id: val(node.id),
            name: Value::Value(node.name),
            ip: Value::Value(node.ip),
            port: Value::Value(node.port),
            vps_id: Value::Value(node.vps_id),
            weight: val(node.weight),
        });
    }
    state.backend_ids = to_list(
        &out.iter()
            .map(|b| known(&b.id).unwrap_or_default().to_string())
            .collect::<Vec<_>>(),
    );
    state.backend = Value::Value(out.into_iter().map(Value::Value).collect());
}

/// Removes and returns the node a block without a known id stands for.
fn take_same(nodes: &mut BTreeMap<String, SlbBackend>, block: &BackendBlock) -> Option<SlbBackend> {
    let key = nodes
        .iter()
        .find(|(_, n)| {
            known(&block.name) == Some(n.name.as_str())
                && known(&block.ip) == Some(n.ip.as_str())
                && known(&block.vps_id) == Some(n.vps_id.as_str())
        })
        .map(|(k, _)| k.clone())?;
    nodes.remove(&key)
}

/// Unknown values left after apply become null.
fn clear_unknowns(state: &mut SlbState) {
    for v in [
        &mut state.id,
        &mut state.description,
        &mut state.created_at,
        &mut state.tenant_id,
        &mut state.policy,
        &mut state.url_path,
    ] {
        if v.is_unknown() {
            *v = Value::Null;
        }
    }
    for v in [
        &mut state.backend_port,
        &mut state.max_connections,
        &mut state.https_private_key_wo_version,
    ] {
        if v.is_unknown() {
            *v = Value::Null;
        }
    }
    if state.enabled.is_unknown() {
        state.enabled = Value::Null;
    }
    if state.backend_ids.is_unknown() {
        state.backend_ids = Value::Value(Vec::new());
    }
    if state.backend.is_null() || state.backend.is_unknown() {
        state.backend = Value::Value(Vec::new());
    }
}

/// Whether a new `https_private_key_wo_version` asks for the key to be installed again
/// (after an import there is no version in state: the written key is adopted).
fn key_version_changed(prior: &SlbState, planned: &SlbState) -> bool {
    prior.https_private_key_wo_version.is_value()
        && !planned.https_private_key_wo_version.is_null()
        && prior.https_private_key_wo_version != planned.https_private_key_wo_version
}

/// A range check of an integer attribute.
fn range(
    diags: &mut Diagnostics,
    value: &Value<i64>,
    lo: i64,
    hi: i64,
    what: &str,
    path: AttributePath,
) {
    if let Some(v) = value.as_ref_option() {
        if !(lo..=hi).contains(v) {
            diags.error(
                format!("Invalid {what}"),
                format!("{what} must be between {lo} and {hi}, not {v}."),
                path,
            );
        }
    }
}

/// A choice check of a text attribute.
fn choice(diags: &mut Diagnostics, value: &Value<String>, allowed: &[&str], name: &str) {
    if let Some(v) = known(value) {
        if !allowed.contains(&v) {
            let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            diags.error(
                format!("Invalid {name}"),
                format!("`{name}` must be one of {}, not {v:?}.", list.join(", ")),
                AttributePath::new(name.to_string()),
            );
        }
    }
}

/// Whether a text is a PEM block of `kind` (`CERTIFICATE`, `PRIVATE KEY`).
fn is_pem(text: &str, kind: &str) -> bool {
    let t = text.trim();
    t.starts_with("-----BEGIN ")
        && t.ends_with("-----")
        && t.lines().next().is_some_and(|l| l.contains(kind))
        && t.lines()
            .last()
            .is_some_and(|l| l.starts_with("-----END ") && l.contains(kind))
}

/// The HTTPS rules: `https` needs a PEM certificate and key; others take neither.
fn validate_https(diags: &mut Diagnostics, config: &SlbState) {
    let https = known(&config.protocol) == Some("https");
    let cert = &config.https_certificate;
    let (key_name, key) =
        if config.https_private_key.is_null() && !config.https_private_key_wo.is_null() {
            ("https_private_key_wo", &config.https_private_key_wo)
        } else {
            ("https_private_key", &config.https_private_key)
        };
    if !config.https_private_key.is_null() && !config.https_private_key_wo.is_null() {
        diags.error(
            "Conflicting private keys",
            "Write either `https_private_key` (stored in state) or `https_private_key_wo` (write-only, never stored), not both.",
            AttributePath::new("https_private_key_wo"),
        );
    }
    if !config.https_private_key_wo_version.is_null() && config.https_private_key_wo.is_null() {
        diags.error(
            "https_private_key_wo_version without https_private_key_wo",
            "`https_private_key_wo_version` says when to install `https_private_key_wo` again; write the key too, or remove the version.",
            AttributePath::new("https_private_key_wo_version"),
        );
    }
    for (name, value, kind) in [
        ("https_certificate", cert, "CERTIFICATE"),
        (key_name, key, "PRIVATE KEY"),
    ] {
        let path = AttributePath::new(name);
        match (https, known(value), value.is_unknown()) {
            (true, None, false) => diags.error(
                format!("Missing {name}"),
                format!("`protocol = \"https\"` needs `{name}` (PEM)."),
                path,
            ),
            (true, Some(v), _) if !is_pem(v, kind) => diags.error(
                format!("Invalid {name}"),
                format!("`{name}` must be PEM: -----BEGIN {kind}----- … -----END {kind}-----."),
                path,
            ),
            (false, Some(_), _) => diags.error(
                format!("Unexpected {name}"),
                format!("`{name}` is only used with `protocol = \"https\"`; remove it."),
                path,
            ),
            _ => {}
        }
    }
}

/// Ranges of the `health_check` block (StarVCenter API 2.12.2; docs/design/wire.md).
fn validate_health(diags: &mut Diagnostics, config: &SlbState) {
    let Some(h) = config.health_check.as_ref_option() else {
        return;
    };
    let at = |name: &'static str| AttributePath::new("health_check").attribute(name);
    range(
        diags,
        &h.retries,
        2,
        10,
        "health_check.retries",
        at("retries"),
    );
    range(
        diags,
        &h.interval,
        1,
        50,
        "health_check.interval (seconds)",
        at("interval"),
    );
    range(
        diags,
        &h.timeout,
        1,
        300,
        "health_check.timeout (seconds)",
        at("timeout"),
    );
    range(
        diags,
        &h.idle,
        1,
        120,
        "health_check.idle (seconds)",
        at("idle"),
    );
}

/// Ranges and uniqueness of the `backend` blocks.
fn validate_backends(diags: &mut Diagnostics, config: &SlbState) {
    let mut names = BTreeMap::new();
    for (i, b) in config.backends().iter().enumerate() {
        let at = |name: &'static str| {
            AttributePath::new("backend")
                .index(i as i64)
                .attribute(name)
        };
        range(diags, &b.port, 1, 65535, "backend.port", at("port"));
        range(diags, &b.weight, 1, 10, "backend.weight", at("weight"));
        if let Some(n) = known(&b.name) {
            if names.insert(n.to_string(), i).is_some() {
                diags.error(
                    "Duplicate back-end name",
                    format!("Two `backend` blocks are named {n:?}; names identify the nodes and must be unique."),
                    at("name"),
                );
            }
        }
    }
}

/// Makes the nodes those `planned` holds, from `prior`: deletes, modifies, adds.
async fn converge_backends(
    cloud: &dyn Cloud,
    id: &str,
    prior: &[BackendBlock],
    planned: &[BackendBlock],
) -> Result<(), String> {
    let fail = |what: &str, e: crate::cloud::CloudError| {
        format!("Cannot {what} of load balancer {id}: {e}")
    };
    for old in prior
        .iter()
        .filter(|o| !planned.iter().any(|p| p.same_node(o)))
    {
        let nid = known(&old.id).unwrap_or_default();
        cloud
            .delete_slb_backend(nid)
            .await
            .map_err(|e| fail("delete a back end", e))?;
    }
    for new in planned {
        match prior.iter().find(|o| o.same_node(new)) {
            Some(old) if old.port != new.port || old.weight != new.weight => {
                let mut node = new.to_backend();
                node.id = known(&old.id).map(String::from);
                cloud
                    .update_slb_backend(&node)
                    .await
                    .map_err(|e| fail("change a back end", e))?;
            }
            Some(_) => {}
            None => {
                cloud
                    .add_slb_backend(id, &new.to_backend())
                    .await
                    .map_err(|e| fail("add a back end", e))?;
            }
        }
    }
    Ok(())
}

/// Everything after the SLB exists: settings, certificate, nodes, start/stop.
async fn converge(
    cloud: &dyn Cloud,
    id: &str,
    prior: &SlbState,
    planned: &SlbState,
) -> Result<(), String> {
    let spec = planned.spec();
    if !prior.id.is_null() && planned.settings_differ(prior) {
        cloud
            .update_slb(id, &spec)
            .await
            .map_err(|e| format!("Cannot change load balancer {id}: {e}"))?;
    }
    let cert_changed = planned.https_certificate != prior.https_certificate
        || planned.https_private_key != prior.https_private_key;
    if let (false, true, Some(cert), Some(key)) = (
        prior.id.is_null(),
        cert_changed,
        &spec.https_certificate,
        &spec.https_private_key,
    ) {
        cloud
            .set_slb_certificate(id, cert, key)
            .await
            .map_err(|e| format!("Cannot install the certificate of load balancer {id}: {e}"))?;
    }
    converge_backends(cloud, id, &prior.backends(), &planned.backends()).await?;
    let want = planned.enabled.as_ref_option().copied().unwrap_or(true);
    if prior.enabled.as_ref_option().copied() != Some(want) {
        cloud
            .set_slb_enabled(id, want)
            .await
            .map_err(|e| format!("Cannot start or stop load balancer {id}: {e}"))?;
    }
    Ok(())
}

/// Planned nodes: a node kept in place keeps its id, others get an unknown one.
fn plan_backends(planned: &mut SlbState, prior: &SlbState) {
    let old = prior.backends();
    let mut unknown = false;
    if let Some(list) = planned.backend.as_mut_option() {
        for b in list.iter_mut().filter_map(|b| b.as_mut_option()) {
            b.id = match old.iter().find(|o| o.same_node(b)) {
                Some(o) => o.id.clone(),
                None => Value::Unknown,
            };
            unknown |= b.id.is_unknown();
        }
    } else {
        planned.backend = Value::Value(Vec::new());
    }
    planned.backend_ids = if unknown {
        Value::Unknown
    } else {
        to_list(
            &planned
                .backends()
                .iter()
                .map(|b| known(&b.id).unwrap_or_default().to_string())
                .collect::<Vec<_>>(),
        )
    };
}

/// The schema of the `health_check` and `backend` blocks.
fn blocks() -> (NestedBlock, NestedBlock) {
    let health = SchemaBuilder::new("Health check of the back ends.")
        .optional(
            "retries",
            AttributeType::Number,
            "Retries before a node is down, 2–10.",
        )
        .optional(
            "interval",
            AttributeType::Number,
            "Seconds between checks, 1–50.",
        )
        .optional(
            "timeout",
            AttributeType::Number,
            "Seconds a check may take, 1–300.",
        )
        .optional(
            "idle",
            AttributeType::Number,
            "Seconds an idle connection is kept, 1–120.",
        )
        .optional(
            "path",
            AttributeType::String,
            "Path checked (http/https; default: `url_path`).",
        )
        .into_block();
    let backend = SchemaBuilder::new("One back-end node; `name` identifies it.")
        .computed("id", AttributeType::String, "Node id.")
        .required(
            "name",
            AttributeType::String,
            "Name, unique within the load balancer.",
        )
        .required("ip", AttributeType::String, "Address of the node.")
        .required(
            "port",
            AttributeType::Number,
            "Port of the node, 1–65535 (changes in place).",
        )
        .required(
            "vps_id",
            AttributeType::String,
            "Server behind the node (a `polycloud_vps` id).",
        )
        .optional(
            "weight",
            AttributeType::Number,
            "Weight, 1–10 (changes in place).",
        )
        .into_block();
    (NestedBlock::Optional(health), NestedBlock::List(backend))
}

/// The `polycloud_slb` resource.
pub struct SlbResource;

impl SlbResource {
    /// Settings, certificate, nodes and start/stop from `prior` to `planned`, then
    /// reads back; a failure is an error named `what`.
    async fn converge(
        &self,
        op: &mut Call<'_, SlbState>,
        prior: &SlbState,
        planned: &SlbState,
        state: &mut SlbState,
        what: &str,
    ) {
        let id = known(&state.id).unwrap_or_default().to_string();
        if let Err(message) = converge(op.cloud, &id, prior, planned).await {
            op.diags
                .root_error(what.to_string(), crate::secrets::redact(&message));
        }
        self.read_back(op.diags, op.cloud, state, &id).await;
        clear_unknowns(state);
    }
}

#[async_trait]
impl Managed for SlbResource {
    type State = SlbState;
    type Object = Slb;
    const FEATURE: Feature = Feature::Slb;
    const NOUN: &'static str = "load balancer";

    fn schema(&self) -> SchemaBuilder {
        let (health, backend) = blocks();
        use AttributeType::{Bool, Number, String as Str};
        SchemaBuilder::new("A server load balancer (StarVCenter SLB) with back-end nodes, a health check and an optional HTTPS certificate. Nodes change one by one; `enabled` starts or stops it.")
            .computed("id", Str, "SLB id (`slb_<router VM id>`).")
            .required("name", Str, "Name (in place).")
            .optional("description", Str, "Description (in place).")
            .required("protocol", Str, "`tcp`, `udp`, `http` or `https` (replaces).").replaces()
            .required("network_type", Str, "`outer` (a public front end from the IP pool) or `inner` (replaces).").replaces()
            .required("frontend_ip", Str, "Front-end address; for `outer`, an unused address of polycloud_public_ips (in place).")
            .required("frontend_port", Number, "Front-end port, 50–65535 (in place).")
            .optional_computed("backend_port", Number, "Back-end port, 1–65535; default the front-end port (replaces).").replaces()
            .required("router_vps_id", Str, "The router serving it (a polycloud_router id) (replaces).").replaces()
            .optional_computed("policy", Str, "`rr` (round robin, default), `wrr` (weighted) or `wlc` (weighted least connections) (in place).")
            .optional_computed("max_connections", Number, "Concurrent connection limit, 10–10000 (in place).")
            .optional_computed("url_path", Str, "Application URL path for http/https, default `/` (replaces).").replaces()
            .optional_computed("tenant_id", Str, "Owning tenant (`slb.appid`, the tenant's `app.id`, e.g. `polycloud_tenant.x.id`); required to create a load balancer on StarVCenter, whose API requires it; a change replaces.").replaces()
            .optional_computed("enabled", Bool, "Started (`true`, default) or stopped (in place).")
            .optional("https_certificate", Str, "PEM certificate; required with `https` (in place).")
            .secret("https_private_key", "PEM private key; required with `https` (or `https_private_key_wo`); sensitive, never logged, but stored in state: prefer `https_private_key_wo` (in place).")
            .write_only_secret("https_private_key_wo", "PEM private key, write-only (Terraform 1.11 or later): installed with the certificate, never stored in state or plan. Conflicts with `https_private_key`. Raise `https_private_key_wo_version` to install a new key.")
            .optional("https_private_key_wo_version", Number, "Version of `https_private_key_wo`; a new value installs the certificate and key again, in place.")
            .computed("backend_ids", string_list(), "Back-end node ids, in `backend` order.")
            .computed("created_at", Str, "Creation time, RFC 3339.")
            .block("health_check", health)
            .block("backend", backend)
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &SlbState) {
        choice(
            diags,
            &config.protocol,
            &["tcp", "udp", "http", "https"],
            "protocol",
        );
        choice(
            diags,
            &config.network_type,
            &["inner", "outer"],
            "network_type",
        );
        choice(diags, &config.policy, &["rr", "wrr", "wlc"], "policy");
        for (name, value, lo, hi) in [
            ("frontend_port", &config.frontend_port, 50, 65535),
            ("backend_port", &config.backend_port, 1, 65535),
            ("max_connections", &config.max_connections, 10, 10000),
        ] {
            range(diags, value, lo, hi, name, AttributePath::new(name));
        }
        refuse_blank(diags, &config.name, "name");
        validate_https(diags, config);
        validate_health(diags, config);
        validate_backends(diags, config);
    }

    fn apply(&self, state: &mut SlbState, slb: Slb) {
        apply_slb(state, slb, false);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Slb> {
        cloud.read_slb(id).await
    }

    async fn plan_create(&self, plan: Plan<'_, SlbState>) {
        if let Some(cloud) = plan.cloud {
            let written = [("tenant_id", !plan.config.tenant_id.is_null())];
            check_written(plan.diags, cloud, Feature::Slb, "load balancer", &written);
        }
        if plan.config.enabled.is_null() {
            plan.planned.enabled = Value::Value(true);
        }
        plan_backends(plan.planned, &SlbState::default());
    }

    async fn plan_update(&self, plan: Plan<'_, SlbState>, prior: &SlbState) -> bool {
        let planned = plan.planned;
        if planned.enabled.is_null() {
            planned.enabled = Value::Value(true);
        }
        plan_backends(planned, prior);
        planned.settings_differ(prior)
            || planned.backend != prior.backend
            || planned.enabled != prior.enabled
            || planned.https_certificate != prior.https_certificate
            || planned.https_private_key != prior.https_private_key
            || key_version_changed(prior, planned)
    }

    async fn create(&self, mut op: Call<'_, SlbState>, state: &mut SlbState) -> Made {
        let planned = state.clone().with_written_key(op.config);
        let made = op.cloud.create_slb(&planned.spec(), op.limit).await;
        let id = made.inspect_err(|_| clear_unknowns(state))?;
        state.id = Value::Value(id);
        let prior = SlbState {
            enabled: Value::Value(false),
            ..Default::default()
        };
        self.converge(
            &mut op,
            &prior,
            &planned,
            state,
            "Cannot finish the load balancer",
        )
        .await;
        Ok(())
    }

    async fn update(
        &self,
        mut op: Call<'_, SlbState>,
        prior: SlbState,
        planned: SlbState,
    ) -> Option<SlbState> {
        // The stored key stands in for the written one unless its version moved.
        let key_is_new = key_version_changed(&prior, &planned);
        let effective = planned.clone().with_written_key(op.config);
        let prior = if key_is_new {
            prior
        } else {
            prior.with_written_key(op.config)
        };
        let mut state = planned;
        self.converge(
            &mut op,
            &prior,
            &effective,
            &mut state,
            "Cannot update the load balancer",
        )
        .await;
        Some(state)
    }

    async fn delete(&self, op: Call<'_, SlbState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_slb(op.id).await
    }

    async fn import(
        &self,
        diags: &mut Diagnostics,
        cloud: &dyn Cloud,
        id: &str,
    ) -> Option<SlbState> {
        // Optional settings the cloud fills in are adopted on import.
        let apply = |s: &mut SlbState, slb| apply_slb(s, slb, true);
        crate::resources::managed::fresh(self, diags, cloud, id, apply).await
    }
}

//! Zomro: the BILLmanager form API (Zomro API; docs/design/wire.md, "Zomro" for everything the document
//! does not show). Every call is a form POST to the endpoint with `func`, `auth` (the
//! session), `out=json` and the function's fields; answers are `{"doc": ...}` and
//! errors come with HTTP 200 as `doc.error`.
//!
//! Authentication: `token` is used as the session id; `username`/`password` sign in
//! with `func=auth`, and when an answer says the session expired the client signs in
//! again once and repeats the call. There are no task ids: after an operation the
//! client polls `func=instances` until `instance_status` is settled (`active`,
//! `stopped`; `error` fails) (docs/design/wire.md, "Zomro"). "Request in process, please wait" is busy and
//! retried by the shared HTTP layer ([`ZomroBusy`]).

pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::{Mutex, OnceCell};

use crate::cloud::batch::ReadBatch;
use crate::cloud::in_flight::JoinInFlight;
use crate::cloud::poller::{any_key, SharedPoller};
use crate::cloud::safe_create::{safe_create_listing, Intent, Listing};
use crate::cloud::{AttrRule, Capability, Cloud, CloudError, CreateError, Feature};
use crate::config::{CloudKind, Credentials, Settings};
use crate::http::{self, Body, Classifier, HttpClient, HttpSettings, Method, Request, Response};
use crate::model::*;
use crate::waiter::{self, Poll, Schedule};

/// Instances per page of `func=instances`.
const PAGE_SIZE: usize = 100;

/// Declares BILLmanager's busy answer (HTTP 200, `doc.error` "Request in process,
/// please wait") to the shared HTTP layer, which retries it with backoff.
pub struct ZomroBusy;

impl Classifier for ZomroBusy {
    fn busy(&self, response: &Response) -> Option<String> {
        match wire::parse_doc(&response.body) {
            Ok(Err(error)) if error.is_busy() => Some(error.message()),
            _ => None,
        }
    }
}

/// The Zomro client.
pub struct ZomroClient {
    http: HttpClient,
    endpoint: String,
    credentials: Credentials,
    session: Mutex<Option<String>>,
    catalog: OnceCell<wire::Catalog>,
    /// The offset BILLmanager's clock prints dates in (`time_zone`).
    time_zone: time::UtcOffset,
    /// Reads of instances, answered from one `func=instances` (all pages).
    instances: ReadBatch<Vps>,
    /// Every wait's poll: one `func=instances` (all pages) per round.
    rounds: SharedPoller<String, Vec<wire::Instance>>,
    /// The ids-before list of orders sent at the same time: one `func=instances`.
    instances_before: JoinInFlight<Arc<Vec<wire::Instance>>>,
}

/// One call: the function, its fields, and whether repeating it is harmless.
struct Call<'a> {
    func: &'a str,
    fields: Vec<(&'static str, String)>,
    idempotent: bool,
}

impl<'a> Call<'a> {
    /// A read (safe to repeat).
    fn read(func: &'a str) -> Self {
        Self {
            func,
            fields: Vec::new(),
            idempotent: true,
        }
    }

    /// A change; `idempotent` when repeating it cannot do harm.
    fn change(func: &'a str, idempotent: bool) -> Self {
        Self {
            func,
            fields: Vec::new(),
            idempotent,
        }
    }

    /// Adds a field.
    fn field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((name, value.into()));
        self
    }
}

impl ZomroClient {
    /// A client for the configured account.
    pub fn new(settings: &Settings) -> Result<Self, CloudError> {
        let http = HttpClient::new("zomro", HttpSettings::of(settings), Arc::new(ZomroBusy))?;
        let session = match &settings.credentials {
            Credentials::Token(token) => Some(token.clone()),
            Credentials::UserPassword { .. } => None,
        };
        Ok(Self {
            http,
            endpoint: settings.endpoint.clone(),
            credentials: settings.credentials.clone(),
            session: Mutex::new(session),
            catalog: OnceCell::new(),
            time_zone: settings.time_zone,
            instances: ReadBatch::new("Zomro instances"),
            rounds: SharedPoller::new("Zomro instances", any_key),
            instances_before: JoinInFlight::default(),
        })
    }

    /// The current session, signing in first when there is none.
    async fn session(&self) -> Result<String, CloudError> {
        let mut session = self.session.lock().await;
        if let Some(s) = session.as_ref() {
            return Ok(s.clone());
        }
        let fresh = self.sign_in().await?;
        *session = Some(fresh.clone());
        Ok(fresh)
    }

    /// Signs in again unless another call already replaced `expired`.
    async fn renew(&self, expired: &str) -> Result<String, CloudError> {
        let mut session = self.session.lock().await;
        if let Some(s) = session.as_ref().filter(|s| s.as_str() != expired) {
            return Ok(s.clone());
        }
        tracing::info!(cloud = "zomro", "the session expired; signing in again");
        let fresh = self.sign_in().await?;
        *session = Some(fresh.clone());
        Ok(fresh)
    }

    /// `func=auth` with `username` and `password`: a new session id (a secret).
    async fn sign_in(&self) -> Result<String, CloudError> {
        let Credentials::UserPassword { username, password } = &self.credentials else {
            return Err(CloudError::Auth(
                "Zomro refused the session in `token` (expired or invalid); get a new one, or configure `username` and `password` so the provider signs in itself".into(),
            ));
        };
        let form = vec![
            ("func".to_string(), "auth".to_string()),
            ("username".to_string(), username.clone()),
            ("password".to_string(), password.clone()),
            ("out".to_string(), "json".to_string()),
        ];
        let response = self.post(form, true).await?;
        if let Err(error) = doc_of("auth", &response)? {
            return Err(CloudError::Auth(format!(
                "Zomro refused `username`/`password`: {}",
                error.message()
            )));
        }
        let session = wire::session_of(&response.body)
            .ok_or_else(|| CloudError::Protocol("`func=auth` answered no session".into()))?;
        crate::secrets::register(&session);
        Ok(session)
    }

    /// Sends one form to the endpoint.
    async fn post(
        &self,
        form: Vec<(String, String)>,
        idempotent: bool,
    ) -> Result<Response, CloudError> {
        let request = Request::new(Method::Post, self.endpoint.clone())
            .body(Body::Form(form))
            .idempotent(idempotent);
        Ok(self.http.send(&request).await?)
    }

    /// Runs a call with the session, signing in again once if the session expired;
    /// returns the normalised `doc`.
    async fn call(&self, call: &Call<'_>) -> Result<serde_json::Value, CloudError> {
        let session = self.session().await?;
        match self.call_with(call, &session).await? {
            Ok(doc) => Ok(doc),
            Err(error) if error.kind == "auth" => {
                let fresh = self.renew(&session).await?;
                match self.call_with(call, &fresh).await? {
                    Ok(doc) => Ok(doc),
                    Err(error) => Err(error_of(call.func, &error)),
                }
            }
            Err(error) => Err(error_of(call.func, &error)),
        }
    }

    /// One attempt with a given session.
    async fn call_with(
        &self,
        call: &Call<'_>,
        session: &str,
    ) -> Result<Result<serde_json::Value, wire::DocError>, CloudError> {
        let mut form = vec![
            ("func".to_string(), call.func.to_string()),
            ("auth".to_string(), session.to_string()),
            ("out".to_string(), "json".to_string()),
        ];
        form.extend(call.fields.iter().map(|(k, v)| (k.to_string(), v.clone())));
        let response = self.post(form, call.idempotent).await?;
        doc_of(call.func, &response)
    }

    /// Every instance, page by page (`p_num`, `p_cnt`; `p_elems` is the total).
    async fn instances(&self) -> Result<Vec<wire::Instance>, CloudError> {
        let mut all = Vec::new();
        for page in 1.. {
            if page > http::MAX_PAGES {
                return Err(http::endless_paging("func=instances", all.len()));
            }
            let call = Call::read("instances")
                .field("p_num", page.to_string())
                .field("p_cnt", PAGE_SIZE.to_string());
            let doc = self.call(&call).await?;
            let page = wire::instance_page(&doc, all.len(), "Zomro func=instances")?;
            let got = page.elem.len();
            all.extend(page.elem);
            if got == 0 || page.total.is_none_or(|t| all.len() >= t) || got < PAGE_SIZE {
                break;
            }
        }
        Ok(all)
    }

    /// The instance with this id, if the account has it.
    async fn instance(&self, id: &str) -> Result<Option<wire::Instance>, CloudError> {
        let id = id.trim();
        Ok(self.instances().await?.into_iter().find(|i| i.id == id))
    }

    /// `v2.instances.order.pricelist` (all data centres), fetched once.
    async fn catalog(&self) -> Result<&wire::Catalog, CloudError> {
        self.catalog
            .get_or_try_init(|| async {
                let func = "v2.instances.order.pricelist";
                let doc = self.call(&Call::read(func)).await?;
                wire::catalog(&doc, &format!("Zomro func={func}"))
            })
            .await
    }

    /// This instance as the next shared round lists it: one `func=instances` (all
    /// pages) answers every wait of the round (docs/design/wire.md, "Zomro": no task
    /// ids, the instance list is polled).
    async fn observe(&self, id: &str) -> Result<Option<wire::Instance>, CloudError> {
        let id = id.trim();
        let listed = self
            .rounds
            .poll(id.to_string(), |_| self.instances())
            .await?;
        Ok(listed.iter().find(|i| i.id == id).cloned())
    }

    /// Polls `func=instances` (shared rounds) until the instance is settled and
    /// `done` holds; the instance as last listed.
    async fn wait(
        &self,
        id: &str,
        what: &str,
        timeout: Duration,
        done: impl Fn(&wire::Instance) -> bool,
    ) -> Result<wire::Instance, CloudError> {
        let task = format!("Zomro instance {id} ({what})");
        waiter::wait_with(Schedule::Shared, &task, timeout, || async {
            let Some(instance) = self.observe(id).await? else {
                return Ok(Poll::Failed("the instance is no longer listed".into()));
            };
            Ok(match settled(&instance, &done) {
                Poll::Done(()) => Poll::Done(instance),
                Poll::Pending(status) => Poll::Pending(status),
                Poll::Failed(message) => Poll::Failed(message),
            })
        })
        .await
    }

    /// Polls (shared rounds) until the instance is no longer listed.
    async fn wait_gone(&self, id: &str, timeout: Duration) -> Result<(), CloudError> {
        let task = format!("Zomro instance {id} (instances.delete)");
        waiter::wait_with(Schedule::Shared, &task, timeout, || async {
            Ok(match self.observe(id).await? {
                None => Poll::Done(()),
                Some(i) => Poll::Pending(format!("instance_status {}", i.instance_status)),
            })
        })
        .await
    }

    /// Sends an operation on `elid` and waits for its outcome.
    async fn operate(
        &self,
        call: Call<'_>,
        id: &str,
        timeout: Duration,
        done: impl Fn(&wire::Instance) -> bool,
    ) -> Result<(), CloudError> {
        let func = call.func;
        // "Request in process, please wait" is waited out until the timeout.
        let call = call.field("sok", "ok").field("elid", id.trim());
        self.instances.wrote(id);
        http::within(http::deadline_in(timeout), self.call(&call)).await?;
        self.wait(id, func, timeout, done).await.map(drop)
    }

    /// `v2.instances.order.param` (docs/design/wire.md, "Zomro").
    async fn order(&self, spec: &VpsSpec) -> Result<String, CloudError> {
        let mut call = Call::change("v2.instances.order.param", false)
            .field("sok", "ok")
            .field("skipbasket", "on")
            .field("pricelist", spec.plan.clone().unwrap_or_default())
            .field("datacenter", spec.location.clone().unwrap_or_default())
            .field("servername", spec.name.clone())
            .field("instances_os", spec.image.clone().unwrap_or_default());
        if let Some(password) = &spec.password {
            call = call.field("password", password.clone());
        }
        if !spec.ssh_key_ids.is_empty() {
            call = call.field("ssh_keys", spec.ssh_key_ids.join(","));
        }
        let doc = self.call(&call).await?;
        // An accepted order without a readable id is an unknown outcome: the caller's
        // safe create looks the instance up.
        wire::order_id(&doc).ok_or_else(|| {
            crate::cloud::not_understood(
                "Zomro v2.instances.order.param",
                "names no service id (doc.id, doc.elid or doc.service.id)",
                &doc,
            )
        })
    }

    /// The instances an order of `spec` could have made: same name, price list, data
    /// centre and image (ids-before, shared by the orders sent at the same time, and
    /// look-up, always its own list, of [`safe_create_listing`]).
    async fn matching_instances(
        &self,
        spec: &VpsSpec,
        why: Listing,
    ) -> Result<Vec<String>, CloudError> {
        let fetch = || async { self.instances().await.map(Arc::new) };
        let instances = self.instances_before.for_create(why, fetch).await?;
        Ok(instances
            .iter()
            .filter(|i| {
                i.name == spec.name
                    && i.pricelist == spec.plan
                    && i.datacenter == spec.location
                    && i.instances_os == spec.image
            })
            .map(|i| i.id.clone())
            .collect())
    }

    /// `instances.fleio.rebuild` with exactly the document's fields (Zomro API):
    /// `elid`, `zone=image`, `select_rebuild`, `enablessh`, then `password` and/or
    /// `ssh_keys`.
    async fn rebuild(
        &self,
        id: &str,
        image: &str,
        password: Option<&str>,
        keys: &[String],
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let use_keys = !keys.is_empty();
        if !use_keys && password.is_none() {
            return Err(CloudError::Unsupported(NEED_CREDENTIALS.into()));
        }
        let mut call = Call::change("instances.fleio.rebuild", false)
            .field("zone", "image")
            .field("select_rebuild", image)
            .field("enablessh", if use_keys { "on" } else { "off" });
        if let Some(password) = password {
            call = call.field("password", password);
        }
        if use_keys {
            call = call.field("ssh_keys", keys.join(","));
        }
        let image = image.to_string();
        self.operate(call, id, timeout, move |i| {
            i.instance_status == "active" && i.instances_os.as_deref() == Some(image.as_str())
        })
        .await
    }

    /// An instance in the domain model; a `createdate` that is no date is an error
    /// naming the instance (docs/design/wire.md, "Dates").
    fn to_vps(&self, i: wire::Instance) -> Result<Vps, CloudError> {
        let created_at =
            crate::timefmt::optional_date(i.createdate.as_deref(), &DATE_LAYOUTS, self.time_zone)
                .map_err(|text| {
                CloudError::Protocol(format!(
                    "Zomro instance {} has createdate {text:?}, which is no date (yyyy-mm-dd)",
                    i.id
                ))
            })?;
        let power_state = match i.instance_status.as_str() {
            "active" => Some(PowerState::Running),
            "stopped" => Some(PowerState::Stopped),
            _ => None,
        };
        Ok(Vps {
            id: i.id,
            name: i.name,
            image: i.instances_os.filter(|s| !s.is_empty()),
            plan: i.pricelist.filter(|s| !s.is_empty()),
            location: i.datacenter.filter(|s| !s.is_empty()),
            cpu: wire::number(&i.cpu),
            memory_mb: wire::number(&i.ram),
            disk_gb: wire::number(&i.disk),
            ssh_key_ids: Some(i.ssh_keys),
            power_state,
            status: i.instance_status,
            ip_address: i.ip.filter(|s| !s.is_empty()),
            hostname: i.domain.filter(|s| !s.is_empty()),
            created_at,
            ..Vps::default()
        })
    }
}

/// What one poll of an instance says.
fn settled(instance: &wire::Instance, done: &impl Fn(&wire::Instance) -> bool) -> Poll<()> {
    match instance.instance_status.as_str() {
        "error" => Poll::Failed("Zomro reports instance_status error".into()),
        "active" | "stopped" if done(instance) => Poll::Done(()),
        status => Poll::Pending(format!("instance_status {status}")),
    }
}

/// The forms of `createdate` (docs/design/wire.md, "Dates"): BILLmanager's
/// `yyyy-mm-dd` (midnight at the clock's offset), also with a time of day; RFC 3339
/// is accepted too.
const DATE_LAYOUTS: [&str; 3] = [
    "[year]-[month]-[day]",
    "[year]-[month]-[day] [hour]:[minute]:[second]",
    "[year]-[month]-[day] [hour]:[minute]",
];

/// The answer of `func`: its `doc`, or its `doc.error`; a non-2xx status is an error
/// of its own, and an answer that is no JSON or has no `doc` is not understood (the
/// error shows it, redacted).
fn doc_of(
    func: &str,
    response: &Response,
) -> Result<Result<serde_json::Value, wire::DocError>, CloudError> {
    let parsed = wire::parse_doc(&response.body);
    if !(200..300).contains(&response.status) {
        let message = match parsed {
            Ok(Err(error)) => error.message(),
            _ => format!("HTTP {} without a BILLmanager answer", response.status),
        };
        return Err(CloudError::Api {
            status: response.status,
            message,
        });
    }
    parsed.map_err(|e| {
        let body = serde_json::from_slice(&response.body)
            .unwrap_or_else(|_| serde_json::Value::String(response.text()));
        crate::cloud::not_understood(&format!("Zomro func={func}"), &e, &body)
    })
}

/// Maps `doc.error` (HTTP 200): `auth` → authentication, `missed` on `elid` → not
/// found, anything else → the cloud's own message.
fn error_of(func: &str, error: &wire::DocError) -> CloudError {
    let message = error.message();
    match (error.kind.as_str(), error.object.as_str()) {
        ("auth", _) => CloudError::Auth(format!("Zomro: {message}")),
        ("missed", "elid") => CloudError::NotFound(message),
        _ => CloudError::Api {
            status: 200,
            message: format!("Zomro {func}: {message}"),
        },
    }
}

/// Zomro API, `password`: at least 8 characters, one upper-case letter, one digit.
pub fn password_problem(password: &str) -> Option<String> {
    let long = password.chars().count() >= 8;
    let upper = password.chars().any(char::is_uppercase);
    let digit = password.chars().any(|c| c.is_ascii_digit());
    (!(long && upper && digit)).then(|| {
        "Zomro passwords need at least 8 characters, one upper-case letter and one digit (e.g. \"Mypassword1\").".to_string()
    })
}

const NEED_CREDENTIALS: &str = "Zomro installs a server with a root password or SSH keys: set `password` (8+ characters, an upper-case letter, a digit) or `ssh_key_ids`.";
const SIZE_BY_PLAN: &str = "Zomro sizes an instance by its price list: remove this attribute and choose `plan` (see data source polycloud_plans).";

#[async_trait]
impl Cloud for ZomroClient {
    fn kind(&self) -> CloudKind {
        CloudKind::Zomro
    }

    fn capability(&self, feature: Feature) -> Capability {
        use Feature::*;
        match feature {
            Vps => Capability::crud(),
            VpsReboot => Capability::from_letters("CRUD", ""),
            DataVps | DataVpsList | DataImages | DataPlans | DataLocations => {
                Capability::from_letters("CR", "")
            }
            SshKey => Capability::none("Zomro SSH keys are managed in the client panel; put their ids (listed by `v2.instances.order.pricelist`) in `polycloud_vps.ssh_key_ids`."),
            Snapshot | Backup | VpsRestore | DataSnapshots | DataBackups => Capability::none(format!(
                "{} is not available on Zomro through its API; rebuild a server from an image with `polycloud_vps.image` instead.",
                feature.type_name()
            )),
            Volume | DataVpsMetrics | DataQuota | DataHosts | DataStorages | DataAlarms
            | DataVpsConnection => Capability::none(format!(
                "{} is not available on Zomro through its API (it exists on StarVCenter); use the Zomro client panel instead.",
                feature.type_name()
            )),
            other => Capability::none(format!(
                "{} is not available on Zomro.",
                other.type_name()
            )),
        }
    }

    fn rule(&self, feature: Feature, attribute: &str) -> Option<AttrRule> {
        if (feature, attribute) == (Feature::VpsReboot, "hard") {
            return Some(AttrRule::unsupported(NO_HARD_REBOOT));
        }
        if feature != Feature::Vps {
            return None;
        }
        Some(match attribute {
            "name" => AttrRule::replace("Zomro cannot rename an instance through its API").required(),
            "image" => AttrRule::in_place().required(),
            "plan" => AttrRule::in_place().required(),
            "location" => AttrRule::replace("Zomro cannot move an instance between data centres").required(),
            "cpu" | "memory_mb" => AttrRule::unsupported(SIZE_BY_PLAN),
            "network_id" => AttrRule::unsupported("Zomro has no selectable networks; remove `network_id`."),
            "description" => AttrRule::unsupported("Zomro instances have no description; remove `description`."),
            "auto_snapshot_days" => AttrRule::unsupported("Zomro has no automatic snapshots; remove `auto_snapshot_days`."),
            "ssh_key_ids" => AttrRule::replace("Zomro installs SSH keys only when ordering or rebuilding (change `image` together with them to rebuild in place)"),
            "password" | "password_wo" => AttrRule::replace("Zomro sets the root password only when ordering or rebuilding (change `image` together with it to rebuild in place)"),
            "power_state" => AttrRule::in_place(),
            _ => return None,
        })
    }

    fn check_vps_spec(&self, spec: &VpsSpec) -> Vec<(&'static str, String)> {
        let mut issues = Vec::new();
        if let Some(problem) = spec.password.as_deref().and_then(password_problem) {
            issues.push(("password", problem));
        }
        if spec
            .ssh_key_ids
            .iter()
            .any(|k| k.trim().parse::<u64>().is_err())
        {
            issues.push((
                "ssh_key_ids",
                "Zomro SSH key ids are numbers (listed by `v2.instances.order.pricelist`, e.g. \"490\").".to_string(),
            ));
        }
        issues
    }

    async fn create_vps(&self, spec: &VpsSpec, timeout: Duration) -> Result<Vps, CreateError> {
        if spec.password.is_none() && spec.ssh_key_ids.is_empty() {
            return Err(CloudError::Unsupported(NEED_CREDENTIALS.into()).into());
        }
        let intent = Intent::new(
            "zomro instance",
            format!("Zomro instance {:?}", spec.name),
            "the instances of the account (Zomro client panel, func=instances)",
            timeout,
        );
        let id = safe_create_listing(
            &intent,
            |why| async move {
                Ok(self
                    .matching_instances(spec, why)
                    .await?
                    .into_iter()
                    .map(|id| (id, ()))
                    .collect())
            },
            || async { Ok((self.order(spec).await?, ())) },
        )
        .await?
        .id;
        self.instances.wrote(&id);
        let timeout = intent.wait_limit();
        let fail = |error| CreateError {
            id: Some(id.clone()),
            error,
        };
        // The round that saw the instance settled listed it after the order: that is
        // its state, read after this process's write. An instance no longer listed
        // fails the wait ("no longer listed").
        let instance = self
            .wait(&id, "v2.instances.order.param", timeout, |i| {
                i.instance_status == "active"
            })
            .await
            .map_err(fail)?;
        self.to_vps(instance).map_err(fail)
    }

    async fn read_vps(&self, id: &str) -> Result<Option<Vps>, CloudError> {
        // BILLmanager has no read of one instance: the direct read is a fresh list.
        let direct = || async { self.instance(id).await?.map(|i| self.to_vps(i)).transpose() };
        let list = || async {
            let listed = self.list_vps().await?;
            Ok(listed.into_iter().map(|v| (v.id.clone(), v)).collect())
        };
        self.instances.read(id, list, direct).await
    }

    async fn update_vps(
        &self,
        id: &str,
        change: &VpsChange,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        match change {
            VpsChange::Image {
                image,
                password,
                ssh_key_ids,
            } => {
                self.rebuild(id, image, password.as_deref(), ssh_key_ids, timeout)
                    .await
            }
            VpsChange::Plan(plan) => {
                let call =
                    Call::change("service.changepricelist", false).field("pricelist", plan.clone());
                let plan = plan.clone();
                self.operate(call, id, timeout, move |i| {
                    i.pricelist.as_deref() == Some(plan.as_str())
                })
                .await
            }
            VpsChange::Power(state) => {
                let (func, target) = match state {
                    PowerState::Running => ("service.start", "active"),
                    PowerState::Stopped => ("service.stop", "stopped"),
                };
                let call = Call::change(func, true);
                self.operate(call, id, timeout, move |i| i.instance_status == target)
                    .await
            }
            other => Err(CloudError::Unsupported(format!(
                "Zomro cannot apply {other:?} in place"
            ))),
        }
    }

    async fn reboot_vps(&self, id: &str, hard: bool, timeout: Duration) -> Result<(), CloudError> {
        if hard {
            return Err(CloudError::Unsupported(NO_HARD_REBOOT.into()));
        }
        // docs/design/wire.md, "Zomro": power = `service.start|stop|reboot`; the instance passes through
        // `rebooting` back to `active`.
        let call = Call::change("service.reboot", true);
        self.operate(call, id, timeout, |i| i.instance_status == "active")
            .await
    }

    async fn delete_vps(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        self.instances.wrote(id);
        let call = Call::change("instances.delete", true).field("elid", id.trim());
        match http::within(http::deadline_in(timeout), self.call(&call)).await {
            Ok(_) => self.wait_gone(id, timeout).await.map(|_| Deleted::Gone),
            Err(e) if e.is_not_found() => Ok(Deleted::Gone),
            Err(e) => Err(e),
        }
    }

    async fn list_vps(&self) -> Result<Vec<Vps>, CloudError> {
        let instances = self.instances().await?;
        instances.into_iter().map(|i| self.to_vps(i)).collect()
    }

    async fn images(&self, location: Option<&str>) -> Result<Vec<Image>, CloudError> {
        let catalog = self.catalog().await?;
        Ok(catalog
            .os
            .iter()
            .filter(|o| location.is_none_or(|l| o.datacenter.iter().any(|d| d == l)))
            .map(|o| Image {
                id: o.id.clone(),
                description: o.name.clone(),
                locations: o.datacenter.clone(),
                plans: Vec::new(),
                active: true,
            })
            .collect())
    }

    async fn plans(&self, location: Option<&str>) -> Result<Vec<Plan>, CloudError> {
        let catalog = self.catalog().await?;
        Ok(catalog
            .pricelist
            .iter()
            .filter(|p| location.is_none_or(|l| p.datacenter.iter().any(|d| d == l)))
            .map(plan_of)
            .collect())
    }

    async fn locations(&self) -> Result<Vec<Location>, CloudError> {
        let catalog = self.catalog().await?;
        Ok(catalog
            .datacenter
            .iter()
            .map(|d| Location {
                id: d.id.clone(),
                description: d.name.clone(),
                active: true,
                private_networking: false,
                plans: catalog
                    .pricelist
                    .iter()
                    .filter(|p| p.datacenter.contains(&d.id))
                    .map(|p| p.id.clone())
                    .collect(),
            })
            .collect())
    }
}

/// A price list as a plan; name, price, currency and period go to `details`.
fn plan_of(p: &wire::Pricelist) -> Plan {
    let details = [
        ("name", &p.name),
        ("price", &p.price),
        ("currency", &p.currency),
        ("period", &p.period),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.clone().map(|v| (k.to_string(), v)))
    .collect();
    Plan {
        id: p.id.clone(),
        cpu: wire::number(&p.cpu),
        memory_mb: wire::number(&p.ram),
        disk_gb: wire::number(&p.disk),
        network: wire::number(&p.bandwidth),
        locations: p.datacenter.clone(),
        details,
    }
}

/// Why `hard = true` is refused on Zomro.
const NO_HARD_REBOOT: &str =
    "Zomro's API reboots gracefully only (`service.reboot`); remove `hard` or set it to false.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documents_password_rule() {
        assert!(password_problem("Mypassword1").is_none());
        for weak in ["mypassword1", "Mypassword", "Mypas1", ""] {
            assert!(password_problem(weak).is_some(), "{weak}");
        }
    }

    #[test]
    fn dates_and_settled_states() {
        let utc = time::UtcOffset::UTC;
        let date = |t| crate::timefmt::optional_date(Some(t), &DATE_LAYOUTS, utc);
        assert_eq!(date("2024-05-13"), Ok(Some("2024-05-13T00:00:00Z".into())));
        assert_eq!(
            date("2024-05-13 10:20:30"),
            Ok(Some("2024-05-13T10:20:30Z".into()))
        );
        assert_eq!(date("13.05.2024"), Err("13.05.2024"));
        assert_eq!(date("2024-02-30"), Err("2024-02-30"));
        let mut i = wire::Instance {
            instance_status: "building".into(),
            ..Default::default()
        };
        assert!(matches!(settled(&i, &|_| true), Poll::Pending(_)));
        i.instance_status = "active".into();
        assert!(matches!(settled(&i, &|_| true), Poll::Done(())));
        assert!(matches!(settled(&i, &|_| false), Poll::Pending(_)));
        i.instance_status = "error".into();
        assert!(matches!(settled(&i, &|_| true), Poll::Failed(_)));
    }
}

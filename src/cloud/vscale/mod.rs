//! Vscale: the REST API at `api.vscale.io/v1` with the `X-Token` header (Vscale API).
//!
//! Every change answers at once with a `VSCALE-TASK-ID` header; the work is done when
//! `GET /tasks` reports the task `done` and the scalet is no longer `locked` (docs/design/wire.md, "Vscale").
//! Errors are the HTTP status plus the `Vscale-Error-Message` header (docs/design/wire.md, "Vscale").
//!
//! Refresh reads of scalets, SSH keys and backups are answered from one `GET /scalets`,
//! `GET /sshkeys` or `GET /backups` ([`ReadBatch`]); every wait (scalets and backup
//! creates) shares one round of `GET /tasks`, `GET /scalets` and `GET /backups`, each
//! list fetched only when a wait of the round needs it ([`SharedPoller`]).

pub mod wire;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde_json::json;
use tokio::sync::OnceCell;

use crate::cloud::batch::ReadBatch;
use crate::cloud::in_flight::JoinInFlight;
use crate::cloud::poller::SharedPoller;
use crate::cloud::safe_create::{safe_create_listing, Intent, Listing};
use crate::cloud::{
    AttrRule, Capability, Change, Cloud, CloudError, CreateError, Feature, Setting,
};
use crate::config::{CloudKind, Credentials, Settings};
use crate::http::{self, Body, Classifier, HttpClient, HttpSettings, Method, Request, Response};
use crate::model::*;
use crate::waiter::{self, Poll, Schedule};

/// The limit of a create that has no `timeouts` of its own (SSH keys: one
/// synchronous call, so a settling window of 30 s at most).
const CREATE_LIMIT: Duration = Duration::from_secs(60);

/// Vscale's plans from smallest to largest (Vscale API: "small, medium, large, huge,
/// monster (в порядке возрастания)"); used when `GET /rplans` lacks sizes.
const PLAN_ORDER: [&str; 5] = ["small", "medium", "large", "huge", "monster"];

/// The Vscale client.
pub struct VscaleClient {
    http: HttpClient,
    base: String,
    token: String,
    plans: OnceCell<Vec<wire::Rplan>>,
    /// The offset Vscale's clock prints dates in (`time_zone`).
    time_zone: time::UtcOffset,
    /// Reads of scalets, answered from one `GET /scalets`.
    scalets: ReadBatch<Vps>,
    /// Reads of SSH keys, answered from one `GET /sshkeys`.
    ssh_keys: ReadBatch<SshKey>,
    /// Reads of backups, answered from one `GET /backups`.
    backups: ReadBatch<Backup>,
    /// Every wait's poll: per round one `GET /scalets` when a scalet wait is in it,
    /// one `GET /backups` when a backup wait is, one `GET /tasks` when a wait of the
    /// round has a task id ([`RoundLists`]).
    rounds: SharedPoller<WaitKey, RoundAnswer>,
    /// The ids-before lists of creates asking at the same time: one `GET /scalets`,
    /// `GET /sshkeys` or `GET /backups` for all of them.
    scalets_before: JoinInFlight<Arc<Vec<wire::Scalet>>>,
    keys_before: JoinInFlight<Arc<Vec<wire::SshKey>>>,
    backups_before: JoinInFlight<Arc<Vec<wire::Backup>>>,
}

/// What one shared round fetched: the task list (empty when no wait of the round
/// needed it), and the scalets and backups when a wait of the round needed them
/// (`None`: not fetched).
struct RoundAnswer {
    tasks: Arc<Vec<wire::Task>>,
    scalets: Option<Vec<wire::Scalet>>,
    backups: Option<Vec<wire::Backup>>,
}

/// What a wait polls, and whether it also needs the task list (it has a
/// `VSCALE-TASK-ID`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum WaitKey {
    /// A scalet settling (create, change, delete): needs `GET /scalets`.
    Scalet { ctid: i64, tasks: bool },
    /// A backup being made: needs `GET /backups`.
    Backup { id: String, tasks: bool },
}

/// The lists a round fetches: `tasks` (`GET /tasks`), `scalets` (`GET /scalets`),
/// `backups` (`GET /backups`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct RoundLists {
    tasks: bool,
    scalets: bool,
    backups: bool,
}

impl RoundLists {
    /// The lists one wait needs.
    fn of(key: &WaitKey) -> Self {
        match key {
            WaitKey::Scalet { tasks, .. } => Self {
                tasks: *tasks,
                scalets: true,
                backups: false,
            },
            WaitKey::Backup { tasks, .. } => Self {
                tasks: *tasks,
                scalets: false,
                backups: true,
            },
        }
    }

    /// The lists a round of these waits fetches: every list one of them needs.
    fn of_all<'a>(keys: impl IntoIterator<Item = &'a WaitKey>) -> Self {
        keys.into_iter()
            .map(Self::of)
            .fold(Self::default(), |all, one| Self {
                tasks: all.tasks || one.tasks,
                scalets: all.scalets || one.scalets,
                backups: all.backups || one.backups,
            })
    }

    /// Whether fetching these lists answers a wait that needs `other`.
    fn covers(self, other: Self) -> bool {
        (self.tasks || !other.tasks)
            && (self.scalets || !other.scalets)
            && (self.backups || !other.backups)
    }
}

/// What one shared round saw of one scalet: every task of the account (the wait
/// looks for its own task id) and the scalet, `None` when it is not listed.
#[derive(Clone)]
struct ScaletView {
    tasks: Arc<Vec<wire::Task>>,
    scalet: Option<wire::Scalet>,
}

/// What one shared round saw of one backup: every task of the account and the
/// backup, `None` when `GET /backups` does not list it.
struct BackupView {
    tasks: Arc<Vec<wire::Task>>,
    backup: Option<wire::Backup>,
}

/// Vscale answers 409 with "locked" while a task holds a scalet: busy, not failure.
struct VscaleBusy;

impl Classifier for VscaleBusy {
    fn busy(&self, response: &Response) -> Option<String> {
        let message = response.header("vscale-error-message").unwrap_or_default();
        (response.status == 409 || message.to_ascii_lowercase().contains("locked"))
            .then(|| format!("scalet locked: {message}"))
    }
}

impl VscaleClient {
    /// A client for the configured account.
    pub fn new(settings: &Settings) -> Result<Self, CloudError> {
        let Credentials::Token(token) = &settings.credentials else {
            return Err(CloudError::Auth("Vscale needs `token`".into()));
        };
        let http = HttpClient::new("vscale", HttpSettings::of(settings), Arc::new(VscaleBusy))?;
        Ok(Self {
            http,
            base: settings.endpoint.clone(),
            token: token.clone(),
            plans: OnceCell::new(),
            time_zone: settings.time_zone,
            scalets: ReadBatch::new("Vscale scalets"),
            ssh_keys: ReadBatch::new("Vscale SSH keys"),
            backups: ReadBatch::new("Vscale backups"),
            rounds: SharedPoller::new("Vscale tasks, scalets and backups", round_covers),
            scalets_before: JoinInFlight::default(),
            keys_before: JoinInFlight::default(),
            backups_before: JoinInFlight::default(),
        })
    }

    fn request(&self, method: Method, path: &str) -> Request {
        Request::new(method, format!("{}{}", self.base, path)).header("X-Token", self.token.clone())
    }

    /// Sends and turns non-2xx answers into errors carrying `Vscale-Error-Message`.
    async fn call(&self, request: Request) -> Result<Response, CloudError> {
        let response = self.http.send(&request).await?;
        if (200..300).contains(&response.status) {
            return Ok(response);
        }
        Err(error_of(&response))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, CloudError> {
        let response = self.call(self.request(Method::Get, path)).await?;
        decode(&response)
    }

    /// `GET` that maps 404 to `None`.
    async fn find<T: DeserializeOwned>(&self, path: &str) -> Result<Option<T>, CloudError> {
        match self.get(path).await {
            Ok(v) => Ok(Some(v)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn rplans(&self) -> Result<&Vec<wire::Rplan>, CloudError> {
        self.plans.get_or_try_init(|| self.get("/rplans")).await
    }

    async fn to_vps(&self, scalet: wire::Scalet) -> Result<Vps, CloudError> {
        let plan = match &scalet.rplan {
            Some(id) => self.rplans().await?.iter().find(|p| &p.id == id).cloned(),
            None => None,
        };
        scalet_to_vps(scalet, plan.as_ref(), self.time_zone)
    }

    /// Waits for the task named by the answer's `VSCALE-TASK-ID`, then for the scalet
    /// to settle. Without a task id, waits on the scalet alone.
    async fn wait_task(
        &self,
        response: &Response,
        ctid: i64,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        self.wait_task_for(response, ctid, None, timeout).await
    }

    /// [`Self::wait_task`], and when `plan` is given the scalet must also show that
    /// `rplan`: the document's upgrade answer already reads `updated` and unlocked
    /// while it still shows the old plan (docs/design/wire.md, "Vscale", row "upgrade settled").
    async fn wait_task_for(
        &self,
        response: &Response,
        ctid: i64,
        plan: Option<&str>,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let task_id = response.header("vscale-task-id").map(str::to_string);
        self.wait_settled(task_id.as_deref(), ctid, plan, timeout)
            .await
            .map(drop)
    }

    /// Waits (shared rounds) for task `task_id`, when there is one, then for the
    /// scalet to settle; the settled scalet as the round listed it (`None`: not
    /// listed any more).
    async fn wait_settled(
        &self,
        task_id: Option<&str>,
        ctid: i64,
        plan: Option<&str>,
        timeout: Duration,
    ) -> Result<Option<wire::Scalet>, CloudError> {
        let what = match task_id {
            Some(id) => format!("Vscale task {id} on scalet {ctid}"),
            None => format!("Vscale scalet {ctid}"),
        };
        waiter::wait_with(Schedule::Shared, &what, timeout, || async {
            let view = self.observe(ctid, task_id.is_some()).await?;
            if let Some(poll) = task_poll(&view.tasks, task_id) {
                return Ok(poll);
            }
            Ok(settled_poll(view.scalet, plan))
        })
        .await
    }

    /// This scalet as the next shared round sees it: one `GET /scalets` and, when a
    /// wait of the round has a task id (`tasks`), one `GET /tasks` answer every wait
    /// of the round (Vscale API, "Статус текущих операций": `GET /tasks` lists all
    /// current operations).
    async fn observe(&self, ctid: i64, tasks: bool) -> Result<ScaletView, CloudError> {
        let answer = self.round(WaitKey::Scalet { ctid, tasks }).await?;
        let scalets = fetched(&answer.scalets, "GET /scalets")?;
        Ok(ScaletView {
            tasks: answer.tasks.clone(),
            scalet: scalets.iter().find(|s| s.ctid == ctid).cloned(),
        })
    }

    /// This backup as the next shared round sees it: one `GET /backups` (the list of
    /// the account's backups, docs/design/wire.md, "Vscale", row "backup") and, when
    /// `tasks`, the `GET /tasks` of the round.
    async fn observe_backup(&self, id: &str, tasks: bool) -> Result<BackupView, CloudError> {
        let key = WaitKey::Backup {
            id: id.to_string(),
            tasks,
        };
        let answer = self.round(key).await?;
        let backups = fetched(&answer.backups, "GET /backups")?;
        Ok(BackupView {
            tasks: answer.tasks.clone(),
            backup: backups.iter().find(|b| b.id == id).cloned(),
        })
    }

    /// The answer of the shared round this poll of `key` joins.
    async fn round(&self, key: WaitKey) -> Result<Arc<RoundAnswer>, CloudError> {
        self.rounds
            .poll(key, |keys| self.fetch_round(RoundLists::of_all(&keys)))
            .await
    }

    /// One round's fetch: the lists its waits need, at the same time.
    async fn fetch_round(&self, lists: RoundLists) -> Result<RoundAnswer, CloudError> {
        let (tasks, scalets, backups) = tokio::try_join!(
            self.list_if::<wire::Task>(lists.tasks, "/tasks"),
            self.list_if::<wire::Scalet>(lists.scalets, "/scalets"),
            self.list_if::<wire::Backup>(lists.backups, "/backups"),
        )?;
        Ok(RoundAnswer {
            tasks: Arc::new(tasks.unwrap_or_default()),
            scalets,
            backups,
        })
    }

    /// `GET path` when `wanted`, else `None` without a request.
    async fn list_if<T: DeserializeOwned>(
        &self,
        wanted: bool,
        path: &str,
    ) -> Result<Option<Vec<T>>, CloudError> {
        match wanted {
            true => self.get(path).await.map(Some),
            false => Ok(None),
        }
    }

    /// Waits (shared rounds) for backup `id` of scalet `ctid` to be `finished`,
    /// failing when its task `task_id` reports an error; the backup as last read.
    async fn wait_backup(
        &self,
        id: &str,
        ctid: i64,
        task_id: Option<&str>,
        timeout: Duration,
    ) -> Result<Backup, CloudError> {
        let what = format!("Vscale backup {id} of scalet {ctid}");
        waiter::wait_with(Schedule::Shared, &what, timeout, || async {
            let view = self.observe_backup(id, task_id.is_some()).await?;
            if let Some(failed) = task_failed(&view.tasks, task_id) {
                return Ok(failed);
            }
            let backup = match view.backup {
                Some(listed) => Some(listed),
                // A list may miss a backup made a moment ago: its own read decides.
                None => self.find::<wire::Backup>(&format!("/backups/{id}")).await?,
            };
            backup_poll(backup, self.time_zone)
        })
        .await
    }

    async fn wait_gone(
        &self,
        response: &Response,
        ctid: i64,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let task_id = response
            .header("vscale-task-id")
            .unwrap_or("(no task id)")
            .to_string();
        let what = format!("Vscale task {task_id} deleting scalet {ctid}");
        waiter::wait_with(Schedule::Shared, &what, timeout, || async {
            match self.observe(ctid, false).await?.scalet {
                None => Ok(Poll::Done(())),
                Some(s) => Ok(Poll::Pending(format!(
                    "status {}, locked {}",
                    s.status, s.locked
                ))),
            }
        })
        .await
    }

    /// Every SSH key of the account, keyed by id (Vscale API: `GET /sshkeys`).
    async fn all_ssh_keys(&self) -> Result<Vec<(String, SshKey)>, CloudError> {
        let keys: Vec<wire::SshKey> = self.get("/sshkeys").await?;
        Ok(keys
            .into_iter()
            .map(ssh_key_from_wire)
            .map(|k| (k.id.clone(), k))
            .collect())
    }

    /// Every scalet of the account in the domain model, keyed by id (for [`ReadBatch`]).
    async fn all_scalets(&self) -> Result<Vec<(String, Vps)>, CloudError> {
        let scalets: Vec<wire::Scalet> = self.get("/scalets").await?;
        let mut out = Vec::with_capacity(scalets.len());
        for s in scalets {
            let vps = self.to_vps(s).await?;
            out.push((vps.id.clone(), vps));
        }
        Ok(out)
    }

    async fn read_scalet(&self, ctid: i64) -> Result<Option<Vps>, CloudError> {
        match self
            .find::<wire::Scalet>(&format!("/scalets/{ctid}"))
            .await?
        {
            Some(s) => Ok(Some(self.to_vps(s).await?)),
            None => Ok(None),
        }
    }

    async fn post_create(&self, spec: &VpsSpec, keys: &[i64]) -> Result<Response, CloudError> {
        let body = wire::CreateScalet {
            make_from: spec.image.as_deref().unwrap_or_default(),
            rplan: spec.plan.as_deref().unwrap_or_default(),
            do_start: spec.power_state != Some(PowerState::Stopped),
            name: &spec.name,
            keys: keys.to_vec(),
            password: spec.password.as_deref(),
            location: spec.location.as_deref().unwrap_or_default(),
        };
        let body = serde_json::to_value(&body).map_err(|e| CloudError::Protocol(e.to_string()))?;
        self.call(
            self.request(Method::Post, "/scalets")
                .body(Body::Json(body)),
        )
        .await
    }

    /// `GET path` for a create's list: shared with the creates asking at the same
    /// time when it is their ids-before, fetched anew for a look-up ([`Listing`]).
    async fn listed<T>(
        &self,
        shared: &JoinInFlight<Arc<Vec<T>>>,
        path: &str,
        why: Listing,
    ) -> Result<Arc<Vec<T>>, CloudError>
    where
        T: DeserializeOwned + Send + Sync,
    {
        let fetch = || async { self.get::<Vec<T>>(path).await.map(Arc::new) };
        shared.for_create(why, fetch).await
    }

    /// The scalets a create of `spec` could have made: same name, image, plan and
    /// location (ids-before and look-up of [`safe_create_listing`]).
    async fn matching_scalets(&self, spec: &VpsSpec, why: Listing) -> Result<Vec<i64>, CloudError> {
        let scalets = self.listed(&self.scalets_before, "/scalets", why).await?;
        Ok(scalets
            .iter()
            .filter(|s| {
                s.name == spec.name
                    && s.made_from.as_deref() == spec.image.as_deref()
                    && s.rplan.as_deref() == spec.plan.as_deref()
                    && s.location.as_deref() == spec.location.as_deref()
            })
            .map(|s| s.ctid)
            .collect())
    }

    async fn action(
        &self,
        method: Method,
        ctid: i64,
        path: &str,
        body: serde_json::Value,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let request = self
            .request(method, &format!("/scalets/{ctid}{path}"))
            .body(Body::Json(body));
        // A locked scalet (409) is waited out until the operation's timeout.
        let deadline = http::deadline_in(timeout);
        let response = http::within(deadline, self.call(request)).await?;
        self.wait_task(&response, ctid, timeout).await
    }
}

fn parse_ctid(id: &str) -> Result<i64, CloudError> {
    id.trim().parse().map_err(|_| {
        CloudError::NotFound(format!("{id:?} is not a Vscale scalet id (ctid, a number)"))
    })
}

fn decode<T: DeserializeOwned>(response: &Response) -> Result<T, CloudError> {
    serde_json::from_slice(&response.body).map_err(|e| {
        CloudError::Protocol(format!(
            "Vscale answer (HTTP {}) not understood: {e}",
            response.status
        ))
    })
}

/// Maps a non-2xx answer: the status plus `Vscale-Error-Message` (Vscale API, intro).
///
/// Only a 404 carrying `Vscale-Error-Message` is Vscale's own not-found; a bare 404
/// (a proxy's or a load balancer's page) is an error, so nothing leaves state on it.
fn error_of(response: &Response) -> CloudError {
    let vendor = response
        .header("vscale-error-message")
        .map(str::to_string)
        .filter(|m| !m.is_empty());
    let message = vendor
        .clone()
        .unwrap_or_else(|| format!("HTTP {} without Vscale-Error-Message", response.status));
    match response.status {
        404 if vendor.is_none() => CloudError::Api {
            status: 404,
            message: format!(
                "{message} (not Vscale's own answer: a proxy or load balancer in between?)"
            ),
        },
        401 => CloudError::Auth(format!("Vscale refused the token: {message}")),
        403 => CloudError::Auth(format!(
            "Vscale refused the request: {message} (a read-only token cannot make changes)"
        )),
        404 => CloudError::NotFound(message),
        status => CloudError::Api { status, message },
    }
}

fn scalet_to_vps(
    s: wire::Scalet,
    plan: Option<&wire::Rplan>,
    zone: time::UtcOffset,
) -> Result<Vps, CloudError> {
    let power_state = wire::power_of(&s.status);
    let created_at = wire::created_at(s.created.as_deref(), &format!("scalet {}", s.ctid), zone)?;
    Ok(Vps {
        id: s.ctid.to_string(),
        name: s.name,
        image: s.made_from,
        plan: s.rplan,
        location: s.location,
        cpu: plan.and_then(|p| p.cpus),
        memory_mb: plan.and_then(|p| p.memory),
        disk_gb: plan.and_then(|p| p.disk).map(|mb| mb / 1024),
        network_id: None,
        ssh_key_ids: Some(s.keys.iter().map(|k| k.id.to_string()).collect()),
        description: None,
        power_state,
        status: s.status,
        ip_address: s.public_address.and_then(|a| a.address),
        private_ip_address: s.private_address.and_then(|a| a.address),
        hostname: s.hostname,
        created_at,
        nic_ids: Vec::new(),
        auto_snapshot_days: None,
    })
}

fn backup_from_wire(b: wire::Backup, zone: time::UtcOffset) -> Result<Backup, CloudError> {
    let created_at = wire::created_at(b.created.as_deref(), &format!("backup {}", b.id), zone)?;
    let vps_id = match b.scalet {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s,
        _ => String::new(),
    };
    Ok(Backup {
        id: b.id,
        vps_id,
        name: b.name,
        description: None,
        status: b.status,
        size_gb: b.size.map(|s| s.round() as i64),
        created_at,
        location: b.location,
    })
}

fn parse_key_ids(ids: &[String]) -> Result<Vec<i64>, CloudError> {
    ids.iter()
        .map(|id| {
            id.trim().parse::<i64>().map_err(|_| {
                CloudError::Unsupported(format!("{id:?} is not a Vscale SSH key id (a number)"))
            })
        })
        .collect()
}

fn plan_rank(plans: &[wire::Rplan], id: &str) -> Option<(i64, usize)> {
    let fixed = PLAN_ORDER
        .iter()
        .position(|p| *p == id)
        .unwrap_or(usize::MAX);
    plans
        .iter()
        .find(|p| p.id == id)
        .map(|p| (p.memory.unwrap_or(0), fixed))
        .or_else(|| (fixed != usize::MAX).then_some((0, fixed)))
}

const NO_DESCRIPTION: &str = "Vscale servers have no description; remove `description` (use `name`, or tags in your own inventory).";
const NO_HARD_REBOOT: &str =
    "Vscale has one kind of restart (a soft one); remove `hard` or set it to false.";
const SIZE_BY_PLAN: &str = "Vscale sizes a scalet by its plan: remove this attribute and choose `plan` (see data source polycloud_plans).";

#[async_trait]
impl Cloud for VscaleClient {
    fn kind(&self) -> CloudKind {
        CloudKind::Vscale
    }

    fn capability(&self, feature: Feature) -> Capability {
        use Feature::*;
        match feature {
            Vps => Capability::crud(),
            Backup => Capability::from_letters("CRD", ""),
            SshKey => Capability::from_letters("CRD", ""),
            VpsRestore | VpsReboot => Capability::from_letters("CRUD", ""),
            DataVps | DataVpsList | DataImages | DataPlans | DataLocations | DataAccount | DataBackups => {
                Capability::from_letters("CR", "")
            }
            Snapshot => Capability::none("Vscale has no snapshots; use polycloud_backup, which Vscale can restore with polycloud_vps_restore."),
            Volume => Capability::none("Vscale has no separate volumes: the disk comes with the plan. Choose a larger `plan` on polycloud_vps."),
            other => Capability::none(format!(
                "{} is not available on Vscale (it exists on {}).",
                other.type_name(),
                other_clouds(other)
            )),
        }
    }

    fn rule(&self, feature: Feature, attribute: &str) -> Option<AttrRule> {
        match (feature, attribute) {
            (Feature::Vps, "name") => Some(AttrRule::replace("Vscale cannot rename a scalet").required()),
            (Feature::Vps, "image") => Some(AttrRule::replace("Vscale reinstalls only onto the same image").required()),
            (Feature::Vps, "plan") => Some(AttrRule::in_place().required()),
            (Feature::Vps, "location") => Some(AttrRule::replace("Vscale cannot move a scalet between locations").required()),
            (Feature::Vps, "cpu" | "memory_mb") => Some(AttrRule::unsupported(SIZE_BY_PLAN)),
            (Feature::Vps, "network_id") => Some(AttrRule::unsupported("Vscale has no selectable networks; remove `network_id` (private networking follows the location).")),
            (Feature::Vps, "ssh_key_ids") => Some(AttrRule::replace("Vscale installs SSH keys only when a scalet is created")),
            (Feature::Vps, "password" | "password_wo") => Some(AttrRule::replace("Vscale sets a password only by reinstalling the scalet")),
            (Feature::Vps, "description") => Some(AttrRule::unsupported(NO_DESCRIPTION)),
            (Feature::Vps, "auto_snapshot_days") => Some(AttrRule::unsupported("Vscale has no automatic snapshots; schedule polycloud_backup resources instead.")),
            (Feature::Vps, "power_state") => Some(AttrRule::in_place()),
            (Feature::VpsReboot, "hard") => Some(AttrRule::unsupported(NO_HARD_REBOOT)),
            (Feature::VpsRestore, "snapshot_id") => Some(AttrRule::unsupported("Vscale has no snapshots; restore from a backup with `backup_id`.")),
            (Feature::Backup, "description") => Some(AttrRule::unsupported("Vscale backups have no description; remove `description`.")),
            (Feature::Backup, "name") => Some(AttrRule {
                set: Setting::Optional,
                change: Change::Replace("Vscale cannot rename a backup".into()),
            }),
            _ => None,
        }
    }

    async fn vps_plan_change(&self, from: &str, to: &str) -> Result<Option<Change>, CloudError> {
        let plans = self.rplans().await?;
        let (Some(old), Some(new)) = (plan_rank(plans, from), plan_rank(plans, to)) else {
            return Err(CloudError::Unsupported(format!(
                "Vscale has no plan {to:?}; see data source polycloud_plans for the plans on offer."
            )));
        };
        Ok(Some(if new >= old {
            Change::InPlace
        } else {
            Change::Replace(format!(
                "Vscale cannot downgrade a scalet ({from} → {to}); a smaller plan means a new scalet"
            ))
        }))
    }

    fn check_vps_spec(&self, spec: &VpsSpec) -> Vec<(&'static str, String)> {
        let mut issues = Vec::new();
        if parse_key_ids(&spec.ssh_key_ids).is_err() {
            issues.push((
                "ssh_key_ids",
                "Vscale SSH key ids are numbers (the `id` of polycloud_ssh_key).".to_string(),
            ));
        }
        issues
    }

    async fn create_vps(&self, spec: &VpsSpec, timeout: Duration) -> Result<Vps, CreateError> {
        let keys = parse_key_ids(&spec.ssh_key_ids)?;
        let intent = Intent::new(
            "vscale scalet",
            format!("Vscale scalet {:?}", spec.name),
            "the scalets of the account (Vscale panel, GET /scalets)",
            timeout,
        );
        let created = safe_create_listing(
            &intent,
            |why| async move {
                Ok(self
                    .matching_scalets(spec, why)
                    .await?
                    .into_iter()
                    .map(|ctid| (ctid.to_string(), None))
                    .collect())
            },
            || async {
                let response = self.post_create(spec, &keys).await?;
                let scalet: wire::Scalet = decode(&response)?;
                Ok((scalet.ctid.to_string(), Some(response)))
            },
        )
        .await?;
        let ctid: i64 = created.id.parse().map_err(|_| {
            CloudError::Protocol(format!("scalet id {:?} is not a number", created.id))
        })?;
        self.scalets.wrote(&created.id);
        let timeout = intent.wait_limit();
        // Without the create's answer (found by the look-up) there is no task id: the
        // wait is on the scalet alone.
        let task_id = created
            .value
            .as_ref()
            .and_then(|r| r.header("vscale-task-id"));
        let waited = self.wait_settled(task_id, ctid, None, timeout).await;
        let fail = |error| CreateError {
            id: Some(ctid.to_string()),
            error,
        };
        // The round that saw the scalet settled listed it after the create: that is
        // its state, read after this process's write.
        let settled = match waited.map_err(fail)? {
            Some(scalet) => self.to_vps(scalet).await.map(Some),
            None => Ok(None),
        };
        match settled {
            Ok(Some(vps)) => Ok(vps),
            Ok(None) => Err(CreateError {
                id: None,
                error: CloudError::TaskFailed {
                    task: format!("creating scalet {ctid}"),
                    message: "the scalet disappeared right after it was created".into(),
                },
            }),
            Err(e) => Err(fail(e)),
        }
    }

    async fn read_vps(&self, id: &str) -> Result<Option<Vps>, CloudError> {
        let Ok(ctid) = parse_ctid(id) else {
            return Ok(None);
        };
        self.scalets
            .read(id, || self.all_scalets(), || self.read_scalet(ctid))
            .await
    }

    async fn update_vps(
        &self,
        id: &str,
        change: &VpsChange,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let ctid = parse_ctid(id)?;
        self.scalets.wrote(id);
        match change {
            VpsChange::Plan(plan) => {
                // docs/design/wire.md, "Vscale", row "upgrade settled" (Vscale API, "Апгрейд
                // конфигурации"): POST /scalets/{ctid}/upgrade {"rplan"}; settled once
                // the task is done and the scalet shows the new plan.
                let request = self
                    .request(Method::Post, &format!("/scalets/{ctid}/upgrade"))
                    .body(Body::Json(json!({ "rplan": plan })));
                // A locked scalet (409) is waited out until the operation's timeout.
                let deadline = http::deadline_in(timeout);
                let response = http::within(deadline, self.call(request)).await?;
                self.wait_task_for(&response, ctid, Some(plan), timeout)
                    .await
            }
            VpsChange::Power(state) => {
                // Vscale API, "Выключение и включение сервера": PATCH .../stop|start {"id"}.
                let path = match state {
                    PowerState::Running => "/start",
                    PowerState::Stopped => "/stop",
                };
                self.action(
                    Method::Patch,
                    ctid,
                    path,
                    json!({ "id": ctid.to_string() }),
                    timeout,
                )
                .await
            }
            other => Err(CloudError::Unsupported(format!(
                "Vscale cannot apply {other:?} in place"
            ))),
        }
    }

    async fn delete_vps(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let ctid = parse_ctid(id)?;
        self.scalets.wrote(id);
        // Vscale API, "Удаление сервера": DELETE /scalets/{ctid}.
        let request = self.request(Method::Delete, &format!("/scalets/{ctid}"));
        match http::within(http::deadline_in(timeout), self.call(request)).await {
            Ok(response) => self
                .wait_gone(&response, ctid, timeout)
                .await
                .map(|_| Deleted::Gone),
            Err(e) if e.is_not_found() => Ok(Deleted::Gone),
            Err(e) => Err(e),
        }
    }

    async fn list_vps(&self) -> Result<Vec<Vps>, CloudError> {
        Ok(self
            .all_scalets()
            .await?
            .into_iter()
            .map(|(_, vps)| vps)
            .collect())
    }

    async fn restore_vps(
        &self,
        vps_id: &str,
        source: &RestoreSource,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let ctid = parse_ctid(vps_id)?;
        self.scalets.wrote(vps_id);
        match source {
            RestoreSource::Backup(backup) => {
                // Vscale API v1: PATCH /scalets/{ctid}/rebuild {"make_from": <backup id>}.
                self.action(
                    Method::Patch,
                    ctid,
                    "/rebuild",
                    json!({ "make_from": backup }),
                    timeout,
                )
                .await
            }
            RestoreSource::Snapshot(_) => Err(CloudError::Unsupported(
                "Vscale has no snapshots; restore from a backup (`backup_id`).".into(),
            )),
        }
    }

    async fn create_ssh_key(&self, name: &str, public_key: &str) -> Result<SshKey, CreateError> {
        let body = json!({ "key": public_key, "name": name });
        let request = self
            .request(Method::Post, "/sshkeys")
            .body(Body::Json(body));
        let intent = Intent::new(
            "vscale sshkey",
            format!("Vscale SSH key {name:?}"),
            "the SSH keys of the account (Vscale panel, GET /sshkeys)",
            crate::http::current_deadline().map_or(CREATE_LIMIT, |d| {
                d.saturating_duration_since(std::time::Instant::now())
            }),
        );
        let key = safe_create_listing(
            &intent,
            |why| async move {
                let keys = self.listed(&self.keys_before, "/sshkeys", why).await?;
                Ok(keys
                    .iter()
                    .filter(|k| k.name == name && k.key.trim() == public_key.trim())
                    .map(|k| (k.id.to_string(), k.clone()))
                    .collect())
            },
            || async {
                let key: wire::SshKey = decode(&self.call(request.clone()).await?)?;
                Ok((key.id.to_string(), key))
            },
        )
        .await?
        .value;
        let key = ssh_key_from_wire(key);
        self.ssh_keys.wrote(&key.id);
        Ok(key)
    }

    async fn read_ssh_key(&self, id: &str) -> Result<Option<SshKey>, CloudError> {
        // Vscale has no read of one key: the direct read is a fresh `GET /sshkeys`.
        let direct = || async {
            Ok(self
                .all_ssh_keys()
                .await?
                .into_iter()
                .find(|(key_id, _)| key_id == id.trim())
                .map(|(_, key)| key))
        };
        self.ssh_keys.read(id, || self.all_ssh_keys(), direct).await
    }

    async fn delete_ssh_key(&self, id: &str) -> Result<(), CloudError> {
        self.ssh_keys.wrote(id);
        match self
            .call(self.request(Method::Delete, &format!("/sshkeys/{}", id.trim())))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn create_backup(
        &self,
        spec: &BackupSpec,
        timeout: Duration,
    ) -> Result<Backup, CreateError> {
        let ctid = parse_ctid(&spec.vps_id)?;
        let request = self
            .request(Method::Post, &format!("/scalets/{ctid}/backup"))
            .body(Body::Json(json!({ "name": spec.name })));
        let intent = Intent::new(
            "vscale backup",
            format!("Vscale backup {:?} of scalet {ctid}", spec.name),
            "the backups of the account (Vscale panel, GET /backups)",
            timeout,
        );
        let created = safe_create_listing(
            &intent,
            |why| async move {
                let backups = self.listed(&self.backups_before, "/backups", why).await?;
                Ok(backups
                    .iter()
                    .filter(|b| b.name == spec.name && backup_from_wire_ref(b) == spec.vps_id)
                    .map(|b| (b.id.clone(), (b.clone(), None)))
                    .collect())
            },
            || async {
                let response = self.call(request.clone()).await?;
                let backup = decode::<wire::Backup>(&response)?;
                Ok((backup.id.clone(), (backup, Some(response))))
            },
        )
        .await?;
        let (backup, response) = created.value;
        let timeout = intent.wait_limit();
        let id = backup.id.clone();
        self.backups.wrote(&id);
        // Without the create's answer (found by the look-up) there is no task id: the
        // wait is on the backup alone.
        let task = response.as_ref().and_then(|r| r.header("vscale-task-id"));
        let waited = self.wait_backup(&id, ctid, task, timeout).await;
        waited.map_err(|error| CreateError {
            id: Some(id.clone()),
            error,
        })
    }

    async fn read_backup(&self, id: &str) -> Result<Option<Backup>, CloudError> {
        let direct = || async {
            self.find::<wire::Backup>(&format!("/backups/{}", id.trim()))
                .await?
                .map(|b| backup_from_wire(b, self.time_zone))
                .transpose()
        };
        let list = || async {
            let backups = self.list_backups(None).await?;
            Ok(backups.into_iter().map(|b| (b.id.clone(), b)).collect())
        };
        self.backups.read(id, list, direct).await
    }

    async fn delete_backup(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        self.backups.wrote(id);
        let request = self.request(Method::Delete, &format!("/backups/{}", id.trim()));
        match http::within(http::deadline_in(timeout), self.call(request)).await {
            Ok(_) => Ok(Deleted::Gone),
            Err(e) if e.is_not_found() => Ok(Deleted::Gone),
            Err(e) => Err(e),
        }
    }

    async fn list_backups(&self, vps_id: Option<&str>) -> Result<Vec<Backup>, CloudError> {
        let backups: Vec<wire::Backup> = self.get("/backups").await?;
        let backups = backups
            .into_iter()
            .map(|b| backup_from_wire(b, self.time_zone))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(backups
            .into_iter()
            .filter(|b| vps_id.is_none_or(|v| b.vps_id == v.trim()))
            .collect())
    }

    async fn reboot_vps(&self, id: &str, hard: bool, timeout: Duration) -> Result<(), CloudError> {
        if hard {
            return Err(CloudError::Unsupported(NO_HARD_REBOOT.into()));
        }
        let ctid = parse_ctid(id)?;
        self.scalets.wrote(id);
        // Vscale API, "Перезагрузка сервера": PATCH /scalets/{ctid}/restart {"id"}.
        self.action(
            Method::Patch,
            ctid,
            "/restart",
            json!({ "id": ctid.to_string() }),
            timeout,
        )
        .await
    }

    async fn images(&self, location: Option<&str>) -> Result<Vec<Image>, CloudError> {
        let images: Vec<wire::Image> = self.get("/images").await?;
        Ok(images
            .into_iter()
            .filter(|i| location.is_none_or(|l| i.locations.iter().any(|x| x == l)))
            .map(|i| Image {
                id: i.id,
                description: i.description,
                locations: i.locations,
                plans: i.rplans,
                active: i.active,
            })
            .collect())
    }

    async fn plans(&self, location: Option<&str>) -> Result<Vec<Plan>, CloudError> {
        let plans = self.rplans().await?;
        Ok(plans
            .iter()
            .filter(|p| location.is_none_or(|l| p.locations.iter().any(|x| x == l)))
            .map(|p| Plan {
                id: p.id.clone(),
                cpu: p.cpus,
                memory_mb: p.memory,
                disk_gb: p.disk.map(|mb| mb / 1024),
                network: p.network,
                locations: p.locations.clone(),
                details: p
                    .addresses
                    .map(|a| [("addresses".to_string(), a.to_string())].into())
                    .unwrap_or_default(),
            })
            .collect())
    }

    async fn locations(&self) -> Result<Vec<Location>, CloudError> {
        let locations: Vec<wire::Location> = self.get("/locations").await?;
        Ok(locations
            .into_iter()
            .map(|l| Location {
                id: l.id,
                description: l.description,
                active: l.active,
                private_networking: l.private_networking,
                plans: l.rplans,
            })
            .collect())
    }

    async fn account(&self) -> Result<Account, CloudError> {
        let (account, balance) = tokio::try_join!(
            self.get::<wire::Account>("/account"),
            self.get::<wire::Balance>("/billing/balance")
        )?;
        let id = match account.info.id {
            Some(serde_json::Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        Ok(Account {
            id,
            email: account.info.email,
            name: format!("{} {}", account.info.name, account.info.surname)
                .trim()
                .to_string(),
            balance: balance.balance / 100.0,
            bonus: balance.bonus / 100.0,
            unpaid: balance.unpaid / 100.0,
            currency: "RUB".into(),
        })
    }
}

/// A round answers a wait only if it fetched every list the wait needs: a round
/// of backup waits alone has no scalets, one without task ids no tasks.
fn round_covers(gathered: &std::collections::HashSet<WaitKey>, key: &WaitKey) -> bool {
    RoundLists::of_all(gathered).covers(RoundLists::of(key))
}

/// The list a round fetched; a round that did not fetch it cannot answer (never
/// happens: [`round_covers`] keeps such waits out of it).
fn fetched<'a, T>(list: &'a Option<Vec<T>>, what: &str) -> Result<&'a [T], CloudError> {
    list.as_deref().ok_or_else(|| {
        CloudError::Protocol(format!("the shared Vscale round did not fetch {what}"))
    })
}

/// The wait's own task in a round's `GET /tasks`: failed or still running ends this
/// poll; `None` when it is done or not listed (then the scalet decides).
fn task_poll<T>(tasks: &[wire::Task], task_id: Option<&str>) -> Option<Poll<T>> {
    if let Some(failed) = task_failed(tasks, task_id) {
        return Some(failed);
    }
    let task = tasks.iter().find(|t| Some(t.id.as_str()) == task_id)?;
    (!task.done).then(|| Poll::Pending(format!("{} running", task.method)))
}

/// Failed, naming the task's method, when the wait's own task in `GET /tasks` has
/// `error: true` (Vscale API, "Статус текущих операций": `«error»: false` — "при её
/// выполнении не обнаружено никаких ошибок").
fn task_failed<T>(tasks: &[wire::Task], task_id: Option<&str>) -> Option<Poll<T>> {
    let task = tasks.iter().find(|t| Some(t.id.as_str()) == task_id)?;
    task.error.then(|| {
        Poll::Failed(format!(
            "Vscale reports {} as failed (error: true)",
            task.method
        ))
    })
}

/// A backup being made, as listed or read on its own: `finished` is done, `failed`
/// failed (docs/design/wire.md, "Vscale", row "backup"; a backup found by the
/// look-up after an unknown create outcome has no task id to say so), another
/// status still pending (named), not found at all failed.
fn backup_poll(
    backup: Option<wire::Backup>,
    zone: time::UtcOffset,
) -> Result<Poll<Backup>, CloudError> {
    let Some(backup) = backup else {
        return Ok(Poll::Failed(
            "the backup disappeared while it was being made".into(),
        ));
    };
    match backup.status.as_str() {
        "finished" => Ok(Poll::Done(backup_from_wire(backup, zone)?)),
        "failed" => Ok(Poll::Failed(format!(
            "Vscale shows backup {} in status failed",
            backup.id
        ))),
        other => Ok(Poll::Pending(format!("status {other}"))),
    }
}

/// Settled: unlocked, a settled status ([`wire::settled_status`]) and, when given,
/// the plan asked for; an unknown status is still pending, named. A scalet no longer
/// listed is done (the caller reads what that means).
fn settled_poll(scalet: Option<wire::Scalet>, plan: Option<&str>) -> Poll<Option<wire::Scalet>> {
    let Some(scalet) = scalet else {
        return Poll::Done(None);
    };
    let plan_reached = plan.is_none_or(|p| scalet.rplan.as_deref() == Some(p));
    if !scalet.locked && wire::settled_status(&scalet.status) && plan_reached {
        return Poll::Done(Some(scalet));
    }
    Poll::Pending(format!(
        "status {}, locked {}, rplan {}",
        scalet.status,
        scalet.locked,
        scalet.rplan.as_deref().unwrap_or("(none)")
    ))
}

fn backup_from_wire_ref(b: &wire::Backup) -> String {
    match &b.scalet {
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn ssh_key_from_wire(k: wire::SshKey) -> SshKey {
    SshKey {
        id: k.id.to_string(),
        fingerprint: crate::sshkey::fingerprint(&k.key).unwrap_or_default(),
        name: k.name,
        public_key: k.key,
    }
}

fn other_clouds(feature: Feature) -> &'static str {
    use Feature::*;
    match feature {
        Tenant | Vpc | SecurityGroup | Slb | Router | PortMapping | IpMapping | AccessRule
        | VpsNic | DataVpsMetrics | DataQuota | DataPublicIps | DataHosts | DataStorages
        | DataAlarms | DataVpsConnection | DataSecurityGroups => "StarVCenter",
        DataVpsKeypair | DataVpsPrivateKey | DataVpsConsole => "iNET",
        DataSnapshots => "iNET and StarVCenter",
        _ => "other clouds",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn scalet(ctid: i64, tasks: bool) -> WaitKey {
        WaitKey::Scalet { ctid, tasks }
    }

    fn backup(id: &str, tasks: bool) -> WaitKey {
        WaitKey::Backup {
            id: id.into(),
            tasks,
        }
    }

    fn lists(tasks: bool, scalets: bool, backups: bool) -> RoundLists {
        RoundLists {
            tasks,
            scalets,
            backups,
        }
    }

    fn wire_backup(status: &str) -> wire::Backup {
        serde_json::from_value(json!({
            "id": "b-1", "name": "nightly", "scalet": 12600, "status": status,
            "size": 20.0, "created": "25.03.2026 14:07:09", "location": "spb0"
        }))
        .unwrap()
    }

    fn task(id: &str, done: bool, error: bool) -> wire::Task {
        serde_json::from_value(json!({
            "id": id, "done": done, "error": error, "method": "scalet_backup"
        }))
        .unwrap()
    }

    #[test]
    fn a_round_fetches_only_the_lists_its_waits_need() {
        let backups_alone = [backup("a", true), backup("b", false)];
        assert_eq!(
            RoundLists::of_all(&backups_alone),
            lists(true, false, true),
            "backup waits alone never list the scalets"
        );
        let scalets_alone = [scalet(1, false), scalet(2, false)];
        assert_eq!(
            RoundLists::of_all(&scalets_alone),
            lists(false, true, false)
        );
        let mixed = [scalet(1, false), backup("a", false)];
        assert_eq!(RoundLists::of_all(&mixed), lists(false, true, true));
        assert_eq!(RoundLists::of_all(&[]), RoundLists::default());
    }

    #[test]
    fn a_wait_joins_a_fetching_round_only_when_it_fetched_every_list_it_needs() {
        let of = |keys: &[WaitKey]| keys.iter().cloned().collect::<HashSet<_>>();
        let backups = of(&[backup("a", true)]);
        assert!(round_covers(&backups, &backup("b", false)));
        assert!(round_covers(&backups, &backup("b", true)));
        assert!(!round_covers(&backups, &scalet(1, false)), "no scalets");
        let scalets = of(&[scalet(1, false)]);
        assert!(!round_covers(&scalets, &backup("a", false)), "no backups");
        assert!(!round_covers(&scalets, &scalet(2, true)), "no tasks");
        assert!(round_covers(&of(&[scalet(1, true)]), &scalet(2, false)));
    }

    #[test]
    fn a_backup_is_done_when_finished_failed_when_failed_or_gone_pending_otherwise() {
        let zone = time::UtcOffset::UTC;
        match backup_poll(Some(wire_backup("finished")), zone).unwrap() {
            Poll::Done(b) => {
                assert_eq!((b.id.as_str(), b.vps_id.as_str()), ("b-1", "12600"));
                assert_eq!(b.size_gb, Some(20));
            }
            other => panic!("{other:?}"),
        }
        match backup_poll(Some(wire_backup("creating")), zone).unwrap() {
            Poll::Pending(status) => assert_eq!(status, "status creating"),
            other => panic!("{other:?}"),
        }
        match backup_poll(None, zone).unwrap() {
            Poll::Failed(m) => assert!(m.contains("disappeared"), "{m}"),
            other => panic!("{other:?}"),
        }
        match backup_poll(Some(wire_backup("failed")), zone).unwrap() {
            Poll::Failed(m) => assert_eq!(m, "Vscale shows backup b-1 in status failed"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn only_the_waits_own_task_with_an_error_fails_it() {
        let tasks = [task("t-1", true, true), task("t-2", false, false)];
        match task_failed::<()>(&tasks, Some("t-1")) {
            Some(Poll::Failed(m)) => {
                assert_eq!(m, "Vscale reports scalet_backup as failed (error: true)")
            }
            other => panic!("{other:?}"),
        }
        assert!(task_failed::<()>(&tasks, Some("t-2")).is_none(), "running");
        assert!(task_failed::<()>(&tasks, None).is_none(), "no task id");
        // A scalet wait also waits out its running task; a backup wait lets the
        // backup's status decide.
        assert!(matches!(
            task_poll::<()>(&tasks, Some("t-2")),
            Some(Poll::Pending(_))
        ));
    }
}

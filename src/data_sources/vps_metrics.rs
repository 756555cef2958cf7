//! `polycloud_vps_metrics`: a server's monitoring (StarVCenter 2.8): the current
//! CPU/memory, per-disk and per-NIC figures, and a CPU/memory, disk and network
//! history at one resolution. A figure the cloud has no data for is null.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::{
    ComputeSample, DiskMetrics, MetricsInterval, NicMetrics, RateSample, VpsMetrics,
};
use crate::resources::common::*;

/// One current disk figure.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DiskItem {
    /// Disk id.
    pub disk_id: Value<String>,
    /// KB/s.
    pub read_kbps: Value<f64>,
    /// KB/s.
    pub write_kbps: Value<f64>,
    /// Requests/s.
    pub read_iops: Value<i64>,
    /// Requests/s.
    pub write_iops: Value<i64>,
    /// KB.
    pub size_kb: Value<i64>,
    /// KB.
    pub used_kb: Value<i64>,
}

/// One current NIC figure.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NicItem {
    /// NIC id.
    pub nic_id: Value<String>,
    /// MAC address.
    pub mac: Value<String>,
    /// KB/s.
    pub down_kbps: Value<f64>,
    /// KB/s.
    pub up_kbps: Value<f64>,
}

/// One CPU/memory history point.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ComputeItem {
    /// RFC 3339.
    pub time: Value<String>,
    /// Percent.
    pub cpu_percent: Value<i64>,
    /// Percent.
    pub memory_percent: Value<i64>,
}

/// One disk history point.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DiskPoint {
    /// RFC 3339.
    pub time: Value<String>,
    /// KB/s.
    pub read_kbps: Value<f64>,
    /// KB/s.
    pub write_kbps: Value<f64>,
}

/// One network history point.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NetPoint {
    /// RFC 3339.
    pub time: Value<String>,
    /// KB/s.
    pub down_kbps: Value<f64>,
    /// KB/s.
    pub up_kbps: Value<f64>,
}

/// Terraform state of `polycloud_vps_metrics`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MetricsState {
    /// `<vps_id>/<interval>`.
    pub id: Value<String>,
    /// The server.
    pub vps_id: Value<String>,
    /// History resolution.
    pub interval: Value<String>,
    /// RFC 3339.
    pub sampled_at: Value<String>,
    /// Percent.
    pub cpu_percent: Value<i64>,
    /// Percent.
    pub memory_percent: Value<i64>,
    /// vCPUs.
    pub cpu_count: Value<i64>,
    /// MiB.
    pub memory_mb: Value<i64>,
    /// MiB.
    pub memory_used_mb: Value<i64>,
    /// Per disk, now.
    pub disks: Value<Vec<Value<DiskItem>>>,
    /// Per NIC, now.
    pub nics: Value<Vec<Value<NicItem>>>,
    /// CPU/memory history.
    pub compute_history: Value<Vec<Value<ComputeItem>>>,
    /// Disk history.
    pub disk_history: Value<Vec<Value<DiskPoint>>>,
    /// Network history.
    pub network_history: Value<Vec<Value<NetPoint>>>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_metrics` data source, on the provider's configured cloud.
    VpsMetricsDataSource
}

fn interval_of(state: &MetricsState) -> Option<MetricsInterval> {
    match known(&state.interval) {
        None => Some(MetricsInterval::Minute),
        Some(text) => MetricsInterval::parse(text),
    }
}

fn list_types() -> [(&'static str, AttributeType, &'static str); 5] {
    use AttributeType::{Number, String as Str};
    [
        ("disks", object_list(&[("disk_id", Str), ("read_kbps", Number), ("write_kbps", Number), ("read_iops", Number), ("write_iops", Number), ("size_kb", Number), ("used_kb", Number)]), "Each disk now: `disk_id`, `read_kbps`, `write_kbps`, `read_iops`, `write_iops` (requests per second), `size_kb`, `used_kb`."),
        ("nics", object_list(&[("nic_id", Str), ("mac", Str), ("down_kbps", Number), ("up_kbps", Number)]), "Each network card now: `nic_id`, `mac`, `down_kbps`, `up_kbps`."),
        ("compute_history", object_list(&[("time", Str), ("cpu_percent", Number), ("memory_percent", Number)]), "CPU and memory use over time, oldest first: `time` (RFC 3339), `cpu_percent`, `memory_percent`."),
        ("disk_history", object_list(&[("time", Str), ("read_kbps", Number), ("write_kbps", Number)]), "Disk transfer over time, oldest first: `time`, `read_kbps`, `write_kbps`."),
        ("network_history", object_list(&[("time", Str), ("down_kbps", Number), ("up_kbps", Number)]), "Network transfer over time, oldest first: `time`, `down_kbps`, `up_kbps`."),
    ]
}

fn schema() -> Schema {
    use AttributeType::{Number, String as Str};
    let mut builder = SchemaBuilder::new("A server's monitoring (StarVCenter): current CPU, memory, disk and network figures, and their history at one resolution. The figures move over time, so every read may differ; a figure the cloud has no data for (e.g. the server is stopped) is null.")
        .computed("id", Str, "`<vps_id>/<interval>`.")
        .required("vps_id", Str, "The server (a `polycloud_vps` id).")
        .optional_computed("interval", Str, "History resolution: `minute` (default), `hour` or `day`.")
        .computed("sampled_at", Str, "When the current figures were taken, RFC 3339.")
        .computed("cpu_percent", Number, "CPU use now, percent.")
        .computed("memory_percent", Number, "Memory use now, percent.")
        .computed("cpu_count", Number, "vCPUs.")
        .computed("memory_mb", Number, "Memory, MiB.")
        .computed("memory_used_mb", Number, "Memory in use, MiB.");
    for (name, ty, description) in list_types() {
        builder = builder.computed(name, ty, description);
    }
    builder.build()
}

fn disk_item(d: DiskMetrics) -> DiskItem {
    DiskItem {
        disk_id: Value::Value(d.disk_id),
        read_kbps: val(d.read_kbps),
        write_kbps: val(d.write_kbps),
        read_iops: val(d.read_iops),
        write_iops: val(d.write_iops),
        size_kb: val(d.size_kb),
        used_kb: val(d.used_kb),
    }
}

fn nic_item(n: NicMetrics) -> NicItem {
    NicItem {
        nic_id: Value::Value(n.nic_id),
        mac: val(n.mac),
        down_kbps: val(n.down_kbps),
        up_kbps: val(n.up_kbps),
    }
}

fn compute_item(c: ComputeSample) -> ComputeItem {
    ComputeItem {
        time: val(c.time),
        cpu_percent: val(c.cpu_percent),
        memory_percent: val(c.memory_percent),
    }
}

fn apply(state: &mut MetricsState, m: VpsMetrics) {
    state.sampled_at = val(m.sampled_at);
    state.cpu_percent = val(m.cpu_percent);
    state.memory_percent = val(m.memory_percent);
    state.cpu_count = val(m.cpu_count);
    state.memory_mb = val(m.memory_mb);
    state.memory_used_mb = val(m.memory_used_mb);
    state.disks = to_objects(m.disks.into_iter().map(disk_item).collect());
    state.nics = to_objects(m.nics.into_iter().map(nic_item).collect());
    state.compute_history = to_objects(m.compute_history.into_iter().map(compute_item).collect());
    let disk = |r: RateSample| DiskPoint {
        time: val(r.time),
        read_kbps: val(r.in_kbps),
        write_kbps: val(r.out_kbps),
    };
    state.disk_history = to_objects(m.disk_history.into_iter().map(disk).collect());
    let net = |r: RateSample| NetPoint {
        time: val(r.time),
        down_kbps: val(r.in_kbps),
        up_kbps: val(r.out_kbps),
    };
    state.network_history = to_objects(m.network_history.into_iter().map(net).collect());
}

#[async_trait]
impl DataSource for VpsMetricsDataSource {
    type State = MetricsState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.vps_id, "vps_id");
        if interval_of(&config).is_none() {
            diags.error(
                "Invalid interval",
                format!(
                    "{:?} is not a resolution; use \"minute\", \"hour\" or \"day\".",
                    known(&config.interval).unwrap_or_default()
                ),
                AttributePath::new("interval"),
            );
        }
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataVpsMetrics)?;
        let vps_id = known(&config.vps_id).unwrap_or_default().trim().to_string();
        let interval = interval_of(&config)?;
        let metrics = match cloud.vps_metrics(&vps_id, interval).await {
            Ok(m) => m,
            Err(e) => {
                let what = format!("Cannot read the metrics of server {vps_id}");
                report(diags, &what, &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(format!("{vps_id}/{}", interval.as_str()));
        state.interval = Value::Value(interval.as_str().into());
        apply(&mut state, metrics);
        Some(state)
    }
}

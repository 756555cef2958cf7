//! Logging to Terraform: hclog-style JSON lines on stderr, which Terraform's plugin
//! client parses and shows under `TF_LOG` / `TF_LOG_PROVIDER` at their own level.
//!
//! Every line passes through [`crate::secrets::redact`] as a last line of defence:
//! tokens and passwords the provider was configured with never reach a log line,
//! whatever a caller forgot to mask.

use std::fmt::Write as _;
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Installs the global subscriber. The level comes from `TF_LOG_PROVIDER`, else
/// `TF_LOG`, else warnings only. Transport crates stay at WARN below TRACE.
pub fn init() {
    let level = terraform_log_level();
    let directives = if level == Level::TRACE {
        "trace".to_string()
    } else {
        format!("{level},h2=warn,hyper=warn,hyper_util=warn,tonic=warn,tower=warn,tower_http=warn,reqwest=warn,rustls=warn")
    };
    let filter = EnvFilter::new(directives.to_lowercase());
    let _ = tracing_subscriber::registry()
        .with(filter)
        .with(HclogLayer)
        .try_init();
}

fn terraform_log_level() -> Level {
    let raw = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("TF_LOG").ok())
        .unwrap_or_default();
    match raw.trim().to_ascii_uppercase().as_str() {
        "TRACE" | "JSON" => Level::TRACE,
        "DEBUG" => Level::DEBUG,
        "INFO" => Level::INFO,
        "ERROR" => Level::ERROR,
        _ => Level::WARN,
    }
}

struct HclogLayer;

impl<S: Subscriber> Layer<S> for HclogLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut visitor = JsonFields::default();
        event.record(&mut visitor);
        let meta = event.metadata();
        let mut object = serde_json::Map::new();
        object.insert("@level".into(), level_name(meta.level()).into());
        object.insert("@message".into(), visitor.message.into());
        object.insert(
            "@module".into(),
            format!("polycloud.{}", meta.target()).into(),
        );
        object.insert("@timestamp".into(), timestamp().into());
        for (key, value) in visitor.fields {
            object.insert(key, value.into());
        }
        let line = crate::secrets::redact(&serde_json::Value::Object(object).to_string());
        let _ = writeln!(std::io::stderr().lock(), "{line}");
    }
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

fn timestamp() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    // go-plugin parses `@timestamp` with exactly six fractional digits; any other
    // shape makes Terraform print the raw JSON line at DEBUG instead of the entry.
    let millis = crate::timefmt::rfc3339_from_unix_millis(now.as_millis() as i64);
    let micros = now.as_micros() % 1000;
    format!("{}{micros:03}Z", millis.trim_end_matches('Z'))
}

#[derive(Default)]
struct JsonFields {
    message: String,
    fields: Vec<(String, String)>,
}

impl Visit for JsonFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            self.fields
                .push((field.name().to_string(), value.to_string()));
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut text = String::new();
        let _ = write!(text, "{value:?}");
        if field.name() == "message" {
            self.message = text;
        } else {
            self.fields.push((field.name().to_string(), text));
        }
    }
}

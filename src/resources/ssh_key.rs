//! `polycloud_ssh_key`: an SSH public key registered with the cloud (SPEC §4b).

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::model::{Deleted, SshKey};
use crate::resources::common::*;

/// Terraform state of `polycloud_ssh_key`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SshKeyState {
    /// Cloud id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// OpenSSH public key line.
    pub public_key: Value<String>,
    /// SHA256 fingerprint.
    pub fingerprint: Value<String>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_ssh_key` resource, on the provider's configured cloud.
    SshKeyResource
}

fn apply_key(state: &mut SshKeyState, key: SshKey) {
    state.id = Value::Value(key.id);
    state.name = Value::Value(key.name);
    // Keep the written text when the cloud normalises white space.
    let same = known(&state.public_key).is_some_and(|k| {
        k.split_whitespace()
            .take(2)
            .eq(key.public_key.split_whitespace().take(2))
    });
    if !same {
        state.public_key = Value::Value(key.public_key);
    }
    state.fingerprint = Value::Value(key.fingerprint);
}

#[async_trait]
impl Resource for SshKeyResource {
    type State = SshKeyState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("An SSH public key registered with the cloud, to install on new servers (`ssh_key_ids` of `polycloud_vps`). Both arguments force a new key.")
                .computed("id", AttributeType::String, "The cloud's id of the key.")
                .required("name", AttributeType::String, "Name of the key.")
                .required("public_key", AttributeType::String, "The OpenSSH public key line (`ssh-ed25519 AAAA... comment`).")
                .computed("fingerprint", AttributeType::String, "SHA256 fingerprint, as `ssh-keygen -l` prints it.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        if let Some(key) = known(&config.public_key) {
            if let Err(detail) = crate::sshkey::validate(key) {
                diags.error(
                    "Invalid public_key",
                    detail,
                    AttributePath::new("public_key"),
                );
            }
        }
        if known(&config.name).is_some_and(|n| n.trim().is_empty()) {
            diags.error(
                "Invalid name",
                "`name` must not be empty.",
                AttributePath::new("name"),
            );
        }
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_ssh_key(&id).await;
        refreshed(diags, &format!("SSH key {id}"), state, result, apply_key)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::SshKey, Op::Create) {
                return None;
            }
        }
        let mut planned = proposed;
        planned.fingerprint = match known(&planned.public_key).and_then(crate::sshkey::fingerprint)
        {
            Some(f) => Value::Value(f),
            None => Value::Unknown,
        };
        Some(planned)
    }

    async fn plan_update(
        &self,
        _diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut replace = Vec::new();
        if proposed.name != prior.name {
            replace.push(AttributePath::new("name"));
        }
        let same_key = match (known(&prior.public_key), known(&proposed.public_key)) {
            (Some(a), Some(b)) => a
                .split_whitespace()
                .take(2)
                .eq(b.split_whitespace().take(2)),
            _ => proposed.public_key == prior.public_key,
        };
        let mut planned = proposed;
        if !same_key {
            replace.push(AttributePath::new("public_key"));
            planned.fingerprint = Value::Unknown;
        } else {
            planned.public_key = prior.public_key.clone();
        }
        Some((planned, replace))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let name = known(&planned.name).unwrap_or_default().to_string();
        let public_key = known(&planned.public_key).unwrap_or_default().to_string();
        match cloud.create_ssh_key(&name, &public_key).await {
            Ok(key) => {
                let mut state = planned;
                apply_key(&mut state, key);
                Some(state)
            }
            Err(failure) => {
                report(diags, "Cannot register the SSH key", &failure.error, None);
                None
            }
        }
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let result = cloud.delete_ssh_key(&id).await.map(|()| Deleted::Gone);
        deleted(diags, &format!("SSH key {id}"), result)
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let result = cloud.read_ssh_key(&id).await;
        imported(diags, &format!("SSH key {id:?}"), result, apply_key)
    }
}

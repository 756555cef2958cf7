//! `polycloud_ssh_key`: an SSH public key registered with the cloud.

use crate::model::SshKey;
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

/// The `polycloud_ssh_key` resource.
pub struct SshKeyResource;

/// Whether two key lines hold the same key (type and data; the comment and white
/// space may differ, as clouds normalise them).
fn same_key(a: &str, b: &str) -> bool {
    a.split_whitespace()
        .take(2)
        .eq(b.split_whitespace().take(2))
}

#[async_trait]
impl Managed for SshKeyResource {
    type State = SshKeyState;
    type Object = SshKey;
    const FEATURE: Feature = Feature::SshKey;
    const NOUN: &'static str = "SSH key";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("An SSH public key registered with the cloud, to install on new servers (`ssh_key_ids` of `polycloud_vps`). Both arguments force a new key.")
            .computed("id", AttributeType::String, "The cloud's id of the key.")
            .required("name", AttributeType::String, "Name of the key.").replaces()
            .required("public_key", AttributeType::String, "The OpenSSH public key line (`ssh-ed25519 AAAA... comment`).")
            .computed("fingerprint", AttributeType::String, "SHA256 fingerprint, as `ssh-keygen -l` prints it.")
    }

    fn validate(&self, diags: &mut Diagnostics, config: &SshKeyState) {
        if let Some(key) = known(&config.public_key) {
            if let Err(detail) = crate::sshkey::validate(key) {
                let path = AttributePath::new("public_key");
                diags.error("Invalid public_key", detail, path);
            }
        }
        refuse_blank(diags, &config.name, "name");
    }

    fn apply(&self, state: &mut SshKeyState, key: SshKey) {
        state.id = Value::Value(key.id);
        state.name = Value::Value(key.name);
        // Keep the written text when the cloud normalises white space.
        if !known(&state.public_key).is_some_and(|k| same_key(k, &key.public_key)) {
            state.public_key = Value::Value(key.public_key);
        }
        state.fingerprint = Value::Value(key.fingerprint);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<SshKey> {
        cloud.read_ssh_key(id).await
    }

    async fn plan_create(&self, plan: Plan<'_, SshKeyState>) {
        let planned = plan.planned;
        planned.fingerprint = match known(&planned.public_key).and_then(crate::sshkey::fingerprint)
        {
            Some(f) => Value::Value(f),
            None => Value::Unknown,
        };
    }

    async fn plan_update(&self, plan: Plan<'_, SshKeyState>, prior: &SshKeyState) -> bool {
        let planned = plan.planned;
        let same = match (known(&prior.public_key), known(&planned.public_key)) {
            (Some(a), Some(b)) => same_key(a, b),
            _ => planned.public_key == prior.public_key,
        };
        if same {
            planned.public_key = prior.public_key.clone();
        } else {
            plan.replace.push(AttributePath::new("public_key"));
            planned.fingerprint = Value::Unknown;
        }
        false
    }

    async fn create(&self, op: Call<'_, SshKeyState>, state: &mut SshKeyState) -> Made {
        let name = known(&state.name).unwrap_or_default();
        let public_key = known(&state.public_key).unwrap_or_default();
        let key = op.cloud.create_ssh_key(name, public_key).await?;
        self.apply(state, key);
        Ok(())
    }

    async fn delete(&self, op: Call<'_, SshKeyState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_ssh_key(op.id).await.map(|()| Deleted::Gone)
    }
}

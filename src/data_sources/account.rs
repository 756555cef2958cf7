//! `polycloud_account`: the account behind the credentials and its balance.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::ready;
use crate::model::Account;
use crate::resources::common::*;

/// Terraform state of `polycloud_account`. Amounts are fractional (`f64` serialises as
/// a msgpack float, which Terraform accepts for `number`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountState {
    /// Account id.
    pub id: Value<String>,
    /// E-mail.
    pub email: Value<String>,
    /// Display name.
    pub name: Value<String>,
    /// Balance, main currency unit.
    pub balance: Value<f64>,
    /// Bonus balance, main currency unit.
    pub bonus: Value<f64>,
    /// Unpaid amount, main currency unit.
    pub unpaid: Value<f64>,
    /// Currency code.
    pub currency: Value<String>,
}

impl From<Account> for AccountState {
    fn from(account: Account) -> Self {
        Self {
            id: Value::Value(account.id),
            email: Value::Value(account.email),
            name: Value::Value(account.name),
            balance: Value::Value(account.balance),
            bonus: Value::Value(account.bonus),
            unpaid: Value::Value(account.unpaid),
            currency: Value::Value(account.currency),
        }
    }
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_account` data source, on the provider's configured cloud.
    AccountDataSource
}

#[async_trait]
impl DataSource for AccountDataSource {
    type State = AccountState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new(
                "The account behind the provider's credentials and its balance (Vscale).",
            )
            .computed("id", AttributeType::String, "Account id.")
            .computed("email", AttributeType::String, "E-mail of the account.")
            .computed(
                "name",
                AttributeType::String,
                "Display name of the account holder.",
            )
            .computed(
                "balance",
                AttributeType::Number,
                "Balance in the main currency unit (roubles, not kopecks); may be fractional.",
            )
            .computed(
                "bonus",
                AttributeType::Number,
                "Bonus balance in the main currency unit.",
            )
            .computed(
                "unpaid",
                AttributeType::Number,
                "Unpaid amount in the main currency unit.",
            )
            .computed(
                "currency",
                AttributeType::String,
                "Currency code, e.g. `RUB`.",
            )
            .build(),
        )
    }

    async fn read(&self, diags: &mut Diagnostics, _config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataAccount)?;
        match cloud.account().await {
            Ok(account) => Some(account.into()),
            Err(e) => {
                report(diags, "Cannot read the account", &e, None);
                None
            }
        }
    }
}

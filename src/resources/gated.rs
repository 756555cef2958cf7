//! Resources of the capability matrix that no cloud of this release implements yet.
//! Their schemas are final (SPEC §4b), so configurations validate; plan fails with the
//! configured cloud's advice (e.g. "exists on StarVCenter") before any API call.

use async_trait::async_trait;
use tf_provider::schema::{AttributeType, Schema};
use tf_provider::value::{ValueAny, ValueEmpty};
use tf_provider::{AttributePath, Diagnostics, Resource};

use crate::cloud::Feature;
use crate::resources::common::*;

/// A resource whose every operation is refused at plan with advice.
pub struct GatedResource {
    shared: SharedCloud,
    feature: Feature,
    schema: fn() -> Schema,
}

impl GatedResource {
    /// For `feature`, with its schema.
    pub fn new(shared: SharedCloud, feature: Feature, schema: fn() -> Schema) -> Self {
        Self {
            shared,
            feature,
            schema,
        }
    }

    fn refuse(&self, diags: &mut Diagnostics, op: Op) {
        match self.shared.get() {
            Some(cloud) => {
                if check_capability(diags, cloud.as_ref(), self.feature, op) {
                    diags.root_error(
                        format!("{} is not implemented in this release", self.feature.type_name()),
                        "The capability matrix lists it for this cloud; it lands in a later release.",
                    );
                }
            }
            None => diags.root_error(
                format!("{} cannot be planned", self.feature.type_name()),
                "The provider is not configured.",
            ),
        }
    }
}

#[async_trait]
impl Resource for GatedResource {
    type State<'a> = ValueAny;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some((self.schema)())
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Some((state, private))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        _proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.refuse(diags, Op::Create);
        None
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        _proposed: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        self.refuse(diags, Op::Update);
        None
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        _planned: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.refuse(diags, Op::Create);
        None
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        _planned: Self::State<'a>,
        _config: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.refuse(diags, Op::Update);
        None
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State<'a>,
        _private: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        Some(())
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        _id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        self.refuse(diags, Op::Read);
        None
    }
}

/// A gated resource: name without prefix, feature, schema.
pub type Gated = (&'static str, Feature, fn() -> Schema);

/// Every gated resource.
pub fn all() -> Vec<Gated> {
    vec![
        ("port_mapping", Feature::PortMapping, port_mapping_schema),
        ("ip_mapping", Feature::IpMapping, ip_mapping_schema),
        ("access_rule", Feature::AccessRule, access_rule_schema),
    ]
}

use AttributeType::{Number, String as Str};

fn port_mapping_schema() -> Schema {
    SchemaBuilder::new("A public IP:port forwarded to a server (StarVCenter).")
        .computed("id", Str, "Mapping id.")
        .required("public_ip", Str, "Public address.")
        .required("public_port", Number, "Public port.")
        .required("vps_id", Str, "Server.")
        .required("private_port", Number, "Server port.")
        .optional("protocol", Str, "tcp or udp.")
        .build()
}

fn ip_mapping_schema() -> Schema {
    SchemaBuilder::new("A public IP mapped to a server (StarVCenter).")
        .computed("id", Str, "Mapping id.")
        .required("public_ip", Str, "Public address.")
        .required("vps_id", Str, "Server.")
        .build()
}

fn access_rule_schema() -> Schema {
    SchemaBuilder::new("An access rule of a subnet (StarVCenter).")
        .computed("id", Str, "Rule id.")
        .required("vpc_id", Str, "Subnet.")
        .required("protocol", Str, "Protocol.")
        .optional("port", Str, "Port or range.")
        .optional("source", Str, "Source CIDR.")
        .build()
}

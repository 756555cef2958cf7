//! The tfplugin6 `Provider` service over the provider's typed registry.
//!
//! Every request is decoded with its schema's shape, runs inside a cancellation
//! [`crate::cancel::scope`] (StopProvider cancels it), and answers with diagnostics
//! whose text is redacted. Write-only attributes are nulled in every state and plan
//! the provider returns, so they never reach state.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;

use magma_protocol::tfplugin6 as proto;
use proto::provider_server::Provider as ProviderService;
use serde_json::Value as Json;
use tonic::{Request, Response, Status};

use super::diagnostics::Diagnostics;
use super::dynamic::{decode_json_state, decode_msgpack, encode_msgpack};
use super::resource::{
    from_tree, DynamicDataSource, DynamicEphemeralResource, DynamicResource, Provider,
};
use super::schema::{Schema, Shape};

/// One registered handler with its schema.
struct Entry<H: ?Sized> {
    handler: Box<H>,
    schema: Schema,
    shape: Shape,
    write_only: Vec<String>,
}

fn entry<H: ?Sized>(handler: Box<H>, schema: Schema) -> Entry<H> {
    let shape = schema.block.shape();
    let write_only = schema.block.write_only_attributes();
    Entry {
        handler,
        schema,
        shape,
        write_only,
    }
}

/// The provider's registry, built once at start-up.
pub struct Registry<P: Provider> {
    provider: P,
    prefix: String,
    provider_schema: Schema,
    provider_shape: Shape,
    resources: HashMap<String, Entry<dyn DynamicResource>>,
    data_sources: HashMap<String, Entry<dyn DynamicDataSource>>,
    ephemerals: HashMap<String, Entry<dyn DynamicEphemeralResource>>,
    startup: Diagnostics,
}

impl<P: Provider> Registry<P> {
    /// The resource `name`, or an "Unknown resource type" diagnostic.
    fn resource(&self, name: &str, diags: &mut Diagnostics) -> Option<&Entry<dyn DynamicResource>> {
        entry_named(&self.resources, "resource", name, diags)
    }

    /// The data source `name`, or an "Unknown data source type" diagnostic.
    fn data_source(
        &self,
        name: &str,
        diags: &mut Diagnostics,
    ) -> Option<&Entry<dyn DynamicDataSource>> {
        entry_named(&self.data_sources, "data source", name, diags)
    }

    /// The ephemeral resource `name`, or an "Unknown ephemeral resource type" diagnostic.
    fn ephemeral(
        &self,
        name: &str,
        diags: &mut Diagnostics,
    ) -> Option<&Entry<dyn DynamicEphemeralResource>> {
        entry_named(&self.ephemerals, "ephemeral resource", name, diags)
    }

    /// Reads the provider's schemas and registry; `name` is the provider's local name
    /// (type names are `<name>_<resource>`).
    pub fn new(name: &str, provider: P) -> Self {
        let mut startup = Diagnostics::default();
        let prefix = format!("{name}_");
        let provider_schema = provider.schema(&mut startup).unwrap_or_default();
        let provider_shape = provider_schema.block.shape();
        let mut resources = HashMap::new();
        for (short, handler) in provider.get_resources(&mut startup).unwrap_or_default() {
            let schema = handler.schema(&mut startup).unwrap_or_default();
            resources.insert(format!("{prefix}{short}"), entry(handler, schema));
        }
        let mut data_sources = HashMap::new();
        for (short, handler) in provider.get_data_sources(&mut startup).unwrap_or_default() {
            let schema = handler.schema(&mut startup).unwrap_or_default();
            data_sources.insert(format!("{prefix}{short}"), entry(handler, schema));
        }
        let mut ephemerals = HashMap::new();
        for (short, handler) in provider
            .get_ephemeral_resources(&mut startup)
            .unwrap_or_default()
        {
            let schema = handler.schema(&mut startup).unwrap_or_default();
            ephemerals.insert(format!("{prefix}{short}"), entry(handler, schema));
        }
        Self {
            provider,
            prefix,
            provider_schema,
            provider_shape,
            resources,
            data_sources,
            ephemerals,
            startup,
        }
    }

    /// Schemas of every resource, by full type name (for the docs generator).
    pub fn resource_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.resources.iter().map(|(k, e)| (k.as_str(), &e.schema))
    }

    /// Schemas of every data source, by full type name.
    pub fn data_source_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.data_sources
            .iter()
            .map(|(k, e)| (k.as_str(), &e.schema))
    }

    /// Schemas of every ephemeral resource, by full type name.
    pub fn ephemeral_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.ephemerals.iter().map(|(k, e)| (k.as_str(), &e.schema))
    }

    /// The provider block's schema.
    pub fn provider_schema(&self) -> &Schema {
        &self.provider_schema
    }

    /// The provider's local name followed by `_`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }
}

/// The gRPC service.
pub struct ProviderServer<P: Provider> {
    registry: Arc<Registry<P>>,
}

impl<P: Provider> ProviderServer<P> {
    /// Serves `registry`.
    pub fn new(registry: Arc<Registry<P>>) -> Self {
        Self { registry }
    }
}

fn decode(
    value: Option<proto::DynamicValue>,
    shape: &Shape,
    diags: &mut Diagnostics,
    what: &str,
) -> Option<Json> {
    let Some(value) = value else {
        return Some(Json::Null);
    };
    let result = if !value.msgpack.is_empty() {
        decode_msgpack(&value.msgpack, shape)
    } else if !value.json.is_empty() {
        decode_json_state(&value.json, shape)
    } else {
        Ok(Json::Null)
    };
    match result {
        Ok(tree) => Some(tree),
        Err(e) => {
            diags.root_error(format!("Cannot decode the {what}"), e.to_string());
            None
        }
    }
}

fn encode(tree: &Json, shape: &Shape, diags: &mut Diagnostics) -> Option<proto::DynamicValue> {
    match encode_msgpack(tree, shape) {
        Ok(msgpack) => Some(proto::DynamicValue {
            msgpack,
            json: Vec::new(),
        }),
        Err(e) => {
            diags.root_error("Cannot encode the provider's answer", e.to_string());
            None
        }
    }
}

fn null_value() -> proto::DynamicValue {
    proto::DynamicValue {
        msgpack: vec![0xc0],
        json: Vec::new(),
    }
}

/// Write-only attributes never leave the provider in a state or a plan.
fn without_write_only(mut tree: Json, names: &[String]) -> Json {
    if let Json::Object(map) = &mut tree {
        for name in names {
            if let Some(v) = map.get_mut(name) {
                *v = Json::Null;
            }
        }
    }
    tree
}

/// Before a create is planned: a computed attribute the configuration leaves null is
/// known only after apply (the resource may still plan a known value).
fn unknown_when_computed(mut proposed: Json, config: &Json, schema: &Schema) -> Json {
    use super::schema::AttributeConstraint::{Computed, OptionalComputed};
    if let Json::Object(map) = &mut proposed {
        for (name, attribute) in &schema.block.attributes {
            let computed = matches!(attribute.constraint, Computed | OptionalComputed);
            if computed && config.get(name).is_none_or(Json::is_null) {
                map.insert(name.clone(), super::value::unknown_marker());
            }
        }
    }
    proposed
}

/// After apply: whatever is still unknown is absent.
fn null_unknowns(tree: Json) -> Json {
    match tree {
        t if super::value::is_unknown_marker(&t) => Json::Null,
        Json::Array(items) => Json::Array(items.into_iter().map(null_unknowns).collect()),
        Json::Object(map) => Json::Object(
            map.into_iter()
                .map(|(k, v)| (k, null_unknowns(v)))
                .collect(),
        ),
        other => other,
    }
}

/// The entry of `entries` named `name`; a name the provider does not register gets an
/// "Unknown … type" diagnostic instead.
fn entry_named<'a, E>(
    entries: &'a HashMap<String, E>,
    kind: &str,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<&'a E> {
    let found = entries.get(name);
    if found.is_none() {
        unknown_type(diags, kind, name);
    }
    found
}

fn unknown_type(diags: &mut Diagnostics, kind: &str, name: &str) {
    diags.root_error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} `{name}`."),
    );
}

fn has_value(tree: &Json, name: &str) -> bool {
    tree.get(name).is_some_and(|v| !v.is_null())
}

type EventStream<T> = Pin<Box<dyn tokio_stream::Stream<Item = Result<T, Status>> + Send>>;

#[tonic::async_trait]
impl<P: Provider> ProviderService for ProviderServer<P> {
    async fn get_metadata(
        &self,
        _request: Request<proto::get_metadata::Request>,
    ) -> Result<Response<proto::get_metadata::Response>, Status> {
        use proto::get_metadata as m;
        let r = &self.registry;
        Ok(Response::new(m::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: r.startup.to_proto(),
            resources: r
                .resources
                .keys()
                .map(|k| m::ResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            data_sources: r
                .data_sources
                .keys()
                .map(|k| m::DataSourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ephemeral_resources: r
                .ephemerals
                .keys()
                .map(|k| m::EphemeralMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            ..Default::default()
        }))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<proto::get_provider_schema::Request>,
    ) -> Result<Response<proto::get_provider_schema::Response>, Status> {
        let r = &self.registry;
        Ok(Response::new(proto::get_provider_schema::Response {
            provider: Some(r.provider_schema.to_proto()),
            provider_meta: Some(Schema::default().to_proto()),
            resource_schemas: r
                .resources
                .iter()
                .map(|(k, e)| (k.clone(), e.schema.to_proto()))
                .collect(),
            data_source_schemas: r
                .data_sources
                .iter()
                .map(|(k, e)| (k.clone(), e.schema.to_proto()))
                .collect(),
            ephemeral_resource_schemas: r
                .ephemerals
                .iter()
                .map(|(k, e)| (k.clone(), e.schema.to_proto()))
                .collect(),
            server_capabilities: Some(capabilities()),
            diagnostics: r.startup.to_proto(),
            ..Default::default()
        }))
    }

    async fn validate_provider_config(
        &self,
        request: Request<proto::validate_provider_config::Request>,
    ) -> Result<Response<proto::validate_provider_config::Response>, Status> {
        let request = request.into_inner();
        let r = &self.registry;
        let mut diags = Diagnostics::default();
        crate::cancel::scope(async {
            if let Some(tree) = decode(
                request.config,
                &r.provider_shape,
                &mut diags,
                "provider configuration",
            ) {
                if let Some(config) = from_tree(&mut diags, "provider configuration", tree) {
                    r.provider.validate(&mut diags, config).await;
                }
            }
        })
        .await;
        Ok(Response::new(proto::validate_provider_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<proto::validate_resource_config::Request>,
    ) -> Result<Response<proto::validate_resource_config::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        match self.registry.resources.get(&request.type_name) {
            None => unknown_type(&mut diags, "resource", &request.type_name),
            Some(e) => {
                let write_only_allowed = request
                    .client_capabilities
                    .is_some_and(|c| c.write_only_attributes_allowed);
                crate::cancel::scope(async {
                    if let Some(config) =
                        decode(request.config, &e.shape, &mut diags, "configuration")
                    {
                        if !write_only_allowed {
                            refuse_write_only(&mut diags, &config, &e.write_only);
                        }
                        e.handler.validate(&mut diags, config).await;
                    }
                })
                .await;
            }
        }
        Ok(Response::new(proto::validate_resource_config::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<proto::validate_data_resource_config::Request>,
    ) -> Result<Response<proto::validate_data_resource_config::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        if let Some(e) = self.registry.data_source(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                if let Some(config) = decode(request.config, &e.shape, &mut diags, "configuration")
                {
                    e.handler.validate(&mut diags, config).await;
                }
            })
            .await;
        }
        Ok(Response::new(
            proto::validate_data_resource_config::Response {
                diagnostics: diags.to_proto(),
            },
        ))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<proto::upgrade_resource_state::Request>,
    ) -> Result<Response<proto::upgrade_resource_state::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut upgraded_state = None;
        if let Some(e) = self.registry.resource(&request.type_name, &mut diags) {
            let raw = request.raw_state.map(|r| r.json).unwrap_or_default();
            upgraded_state =
                crate::cancel::scope(upgrade(e, request.version, &raw, &mut diags)).await;
        }
        Ok(Response::new(proto::upgrade_resource_state::Response {
            upgraded_state,
            diagnostics: diags.to_proto(),
        }))
    }

    async fn get_resource_identity_schemas(
        &self,
        _request: Request<proto::get_resource_identity_schemas::Request>,
    ) -> Result<Response<proto::get_resource_identity_schemas::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn upgrade_resource_identity(
        &self,
        _request: Request<proto::upgrade_resource_identity::Request>,
    ) -> Result<Response<proto::upgrade_resource_identity::Response>, Status> {
        Err(Status::unimplemented("resource identity is not supported"))
    }

    async fn configure_provider(
        &self,
        request: Request<proto::configure_provider::Request>,
    ) -> Result<Response<proto::configure_provider::Response>, Status> {
        let request = request.into_inner();
        let r = &self.registry;
        let mut diags = Diagnostics::default();
        crate::cancel::scope(async {
            if let Some(tree) = decode(
                request.config,
                &r.provider_shape,
                &mut diags,
                "provider configuration",
            ) {
                if let Some(config) = from_tree(&mut diags, "provider configuration", tree) {
                    r.provider
                        .configure(&mut diags, request.terraform_version, config)
                        .await;
                }
            }
        })
        .await;
        Ok(Response::new(proto::configure_provider::Response {
            diagnostics: diags.to_proto(),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<proto::read_resource::Request>,
    ) -> Result<Response<proto::read_resource::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut response = proto::read_resource::Response::default();
        if let Some(e) = self.registry.resource(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                let Some(state) = decode(request.current_state, &e.shape, &mut diags, "state")
                else {
                    return;
                };
                match e.handler.read(&mut diags, state).await {
                    Some(state) => {
                        response.new_state = encode(
                            &without_write_only(state, &e.write_only),
                            &e.shape,
                            &mut diags,
                        );
                        response.private = request.private;
                    }
                    None if diags.has_errors() => {}
                    None => response.new_state = Some(null_value()),
                }
            })
            .await;
        }
        response.diagnostics = diags.to_proto();
        Ok(Response::new(response))
    }

    async fn plan_resource_change(
        &self,
        request: Request<proto::plan_resource_change::Request>,
    ) -> Result<Response<proto::plan_resource_change::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut response = proto::plan_resource_change::Response::default();
        if let Some(e) = self.registry.resource(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                let (Some(prior), Some(proposed), Some(config)) = (
                    decode(request.prior_state, &e.shape, &mut diags, "prior state"),
                    decode(
                        request.proposed_new_state,
                        &e.shape,
                        &mut diags,
                        "proposed state",
                    ),
                    decode(request.config, &e.shape, &mut diags, "configuration"),
                ) else {
                    return;
                };
                let h = &e.handler;
                let planned = if proposed.is_null() {
                    Some((Json::Null, Vec::new()))
                } else if prior.is_null() {
                    let proposed = unknown_when_computed(proposed, &config, &e.schema);
                    h.plan_create(&mut diags, proposed, config)
                        .await
                        .map(|s| (s, Vec::new()))
                } else {
                    h.plan_update(&mut diags, prior, proposed, config).await
                };
                if let Some((state, replace)) = planned {
                    response.planned_state = if state.is_null() {
                        Some(null_value())
                    } else {
                        encode(
                            &without_write_only(state, &e.write_only),
                            &e.shape,
                            &mut diags,
                        )
                    };
                    response.planned_private = request.prior_private;
                    response.requires_replace = replace.iter().map(|p| p.to_proto()).collect();
                }
            })
            .await;
        }
        response.diagnostics = diags.to_proto();
        Ok(Response::new(response))
    }

    async fn apply_resource_change(
        &self,
        request: Request<proto::apply_resource_change::Request>,
    ) -> Result<Response<proto::apply_resource_change::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut response = proto::apply_resource_change::Response::default();
        if let Some(e) = self.registry.resource(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                let (Some(prior), Some(planned), Some(config)) = (
                    decode(request.prior_state, &e.shape, &mut diags, "prior state"),
                    decode(request.planned_state, &e.shape, &mut diags, "planned state"),
                    decode(request.config, &e.shape, &mut diags, "configuration"),
                ) else {
                    return;
                };
                let h = &e.handler;
                if planned.is_null() {
                    let kept = prior.clone();
                    response.new_state = match h.destroy(&mut diags, prior).await {
                        Some(()) if !diags.has_errors() => Some(null_value()),
                        // The object may still exist: keep it in state.
                        _ => encode(&kept, &e.shape, &mut diags),
                    };
                    return;
                }
                let applied = if prior.is_null() {
                    h.create(&mut diags, planned, config).await
                } else {
                    h.update(&mut diags, prior, planned, config).await
                };
                if let Some(state) = applied {
                    // State after apply is wholly known.
                    let state = null_unknowns(without_write_only(state, &e.write_only));
                    response.new_state = encode(&state, &e.shape, &mut diags);
                    response.private = request.planned_private;
                }
            })
            .await;
        }
        response.diagnostics = diags.to_proto();
        Ok(Response::new(response))
    }

    async fn import_resource_state(
        &self,
        request: Request<proto::import_resource_state::Request>,
    ) -> Result<Response<proto::import_resource_state::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut response = proto::import_resource_state::Response::default();
        if let Some(e) = self.registry.resource(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                if let Some(state) = e.handler.import(&mut diags, request.id).await {
                    let state = encode(
                        &without_write_only(state, &e.write_only),
                        &e.shape,
                        &mut diags,
                    );
                    if state.is_some() {
                        response.imported_resources.push(
                            proto::import_resource_state::ImportedResource {
                                type_name: request.type_name.clone(),
                                state,
                                private: Vec::new(),
                                identity: None,
                            },
                        );
                    }
                }
            })
            .await;
        }
        response.diagnostics = diags.to_proto();
        Ok(Response::new(response))
    }

    async fn move_resource_state(
        &self,
        request: Request<proto::move_resource_state::Request>,
    ) -> Result<Response<proto::move_resource_state::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut target_state = None;
        match self.registry.resources.get(&request.target_type_name) {
            None => unknown_type(&mut diags, "resource", &request.target_type_name),
            Some(e) if request.source_type_name == request.target_type_name => {
                let raw = request.source_state.map(|r| r.json).unwrap_or_default();
                target_state = upgrade(e, request.source_schema_version, &raw, &mut diags).await;
            }
            Some(_) => diags.root_error(
                "Cannot move this resource",
                format!(
                    "`{}` can only be moved from another `{}` of this provider; import the object instead (`terraform import`).",
                    request.target_type_name, request.target_type_name
                ),
            ),
        }
        Ok(Response::new(proto::move_resource_state::Response {
            target_state,
            diagnostics: diags.to_proto(),
            target_private: Vec::new(),
            target_identity: None,
        }))
    }

    async fn read_data_source(
        &self,
        request: Request<proto::read_data_source::Request>,
    ) -> Result<Response<proto::read_data_source::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut state = None;
        if let Some(e) = self.registry.data_source(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                if let Some(config) = decode(request.config, &e.shape, &mut diags, "configuration")
                {
                    if let Some(tree) = e.handler.read(&mut diags, config).await {
                        state = encode(&tree, &e.shape, &mut diags);
                    }
                }
            })
            .await;
        }
        Ok(Response::new(proto::read_data_source::Response {
            state,
            diagnostics: diags.to_proto(),
            deferred: None,
        }))
    }

    async fn generate_resource_config(
        &self,
        _request: Request<proto::generate_resource_config::Request>,
    ) -> Result<Response<proto::generate_resource_config::Response>, Status> {
        Err(Status::unimplemented(
            "GenerateResourceConfig is not supported",
        ))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<proto::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<proto::validate_ephemeral_resource_config::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        if let Some(e) = self.registry.ephemeral(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                if let Some(config) = decode(request.config, &e.shape, &mut diags, "configuration")
                {
                    e.handler.validate(&mut diags, config).await;
                }
            })
            .await;
        }
        Ok(Response::new(
            proto::validate_ephemeral_resource_config::Response {
                diagnostics: diags.to_proto(),
            },
        ))
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<proto::open_ephemeral_resource::Request>,
    ) -> Result<Response<proto::open_ephemeral_resource::Response>, Status> {
        let request = request.into_inner();
        let mut diags = Diagnostics::default();
        let mut result = None;
        if let Some(e) = self.registry.ephemeral(&request.type_name, &mut diags) {
            crate::cancel::scope(async {
                if let Some(config) = decode(request.config, &e.shape, &mut diags, "configuration")
                {
                    if let Some(tree) = e.handler.open(&mut diags, config).await {
                        result = encode(&tree, &e.shape, &mut diags);
                    }
                }
            })
            .await;
        }
        Ok(Response::new(proto::open_ephemeral_resource::Response {
            diagnostics: diags.to_proto(),
            result,
            ..Default::default()
        }))
    }

    async fn renew_ephemeral_resource(
        &self,
        _request: Request<proto::renew_ephemeral_resource::Request>,
    ) -> Result<Response<proto::renew_ephemeral_resource::Response>, Status> {
        // Nothing this provider opens expires during a run.
        Ok(Response::new(Default::default()))
    }

    async fn close_ephemeral_resource(
        &self,
        _request: Request<proto::close_ephemeral_resource::Request>,
    ) -> Result<Response<proto::close_ephemeral_resource::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    type ListResourceStream = EventStream<proto::list_resource::Event>;

    async fn list_resource(
        &self,
        _request: Request<proto::list_resource::Request>,
    ) -> Result<Response<Self::ListResourceStream>, Status> {
        Err(Status::unimplemented("list resources are not supported"))
    }

    async fn validate_list_resource_config(
        &self,
        _request: Request<proto::validate_list_resource_config::Request>,
    ) -> Result<Response<proto::validate_list_resource_config::Response>, Status> {
        Err(Status::unimplemented("list resources are not supported"))
    }

    async fn get_functions(
        &self,
        _request: Request<proto::get_functions::Request>,
    ) -> Result<Response<proto::get_functions::Response>, Status> {
        Ok(Response::new(Default::default()))
    }

    async fn call_function(
        &self,
        _request: Request<proto::call_function::Request>,
    ) -> Result<Response<proto::call_function::Response>, Status> {
        Err(Status::unimplemented("this provider has no functions"))
    }

    async fn validate_state_store_config(
        &self,
        _request: Request<proto::validate_state_store::Request>,
    ) -> Result<Response<proto::validate_state_store::Response>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    async fn configure_state_store(
        &self,
        _request: Request<proto::configure_state_store::Request>,
    ) -> Result<Response<proto::configure_state_store::Response>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    type ReadStateBytesStream = EventStream<proto::read_state_bytes::Response>;

    async fn read_state_bytes(
        &self,
        _request: Request<proto::read_state_bytes::Request>,
    ) -> Result<Response<Self::ReadStateBytesStream>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    async fn write_state_bytes(
        &self,
        _request: Request<tonic::Streaming<proto::write_state_bytes::RequestChunk>>,
    ) -> Result<Response<proto::write_state_bytes::Response>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    async fn lock_state(
        &self,
        _request: Request<proto::lock_state::Request>,
    ) -> Result<Response<proto::lock_state::Response>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    async fn unlock_state(
        &self,
        _request: Request<proto::unlock_state::Request>,
    ) -> Result<Response<proto::unlock_state::Response>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    async fn get_states(
        &self,
        _request: Request<proto::get_states::Request>,
    ) -> Result<Response<proto::get_states::Response>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    async fn delete_state(
        &self,
        _request: Request<proto::delete_state::Request>,
    ) -> Result<Response<proto::delete_state::Response>, Status> {
        Err(Status::unimplemented("state stores are not supported"))
    }

    async fn plan_action(
        &self,
        _request: Request<proto::plan_action::Request>,
    ) -> Result<Response<proto::plan_action::Response>, Status> {
        Err(Status::unimplemented("actions are not supported"))
    }

    type InvokeActionStream = EventStream<proto::invoke_action::Event>;

    async fn invoke_action(
        &self,
        _request: Request<proto::invoke_action::Request>,
    ) -> Result<Response<Self::InvokeActionStream>, Status> {
        Err(Status::unimplemented("actions are not supported"))
    }

    async fn validate_action_config(
        &self,
        _request: Request<proto::validate_action_config::Request>,
    ) -> Result<Response<proto::validate_action_config::Response>, Status> {
        Err(Status::unimplemented("actions are not supported"))
    }

    async fn stop_provider(
        &self,
        _request: Request<proto::stop_provider::Request>,
    ) -> Result<Response<proto::stop_provider::Response>, Status> {
        // Cancel the work in flight; keep serving: Terraform still needs the answers.
        crate::cancel::stop();
        Ok(Response::new(proto::stop_provider::Response {
            error: String::new(),
        }))
    }
}

fn capabilities() -> proto::ServerCapabilities {
    proto::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: true,
        ..Default::default()
    }
}

fn refuse_write_only(diags: &mut Diagnostics, config: &Json, names: &[String]) {
    for name in names.iter().filter(|n| has_value(config, n)) {
        diags.error(
            "Write-only attribute not supported by this Terraform",
            format!("`{name}` is write-only: it needs Terraform 1.11 or later, which keeps it out of state and plan. Upgrade Terraform, or use the attribute's stored form instead."),
            super::diagnostics::AttributePath::new(name.clone()),
        );
    }
}

async fn upgrade(
    e: &Entry<dyn DynamicResource>,
    version: i64,
    raw: &[u8],
    diags: &mut Diagnostics,
) -> Option<proto::DynamicValue> {
    if raw.is_empty() {
        diags.root_error(
            "Cannot upgrade the stored state",
            "The state has no JSON form (states from Terraform 0.11 and older are not supported).",
        );
        return None;
    }
    let current = e.schema.version;
    let tree = if version == current {
        decode_json_state(raw, &e.shape)
            .map_err(|err| diags.root_error("Cannot read the stored state", err.to_string()))
            .ok()?
    } else if version < current {
        let prior: Json = serde_json::from_slice(raw)
            .map_err(|err| diags.root_error("Cannot read the stored state", err.to_string()))
            .ok()?;
        e.handler.upgrade(diags, version, prior).await?
    } else {
        diags.root_error(
            "The stored state is newer than this provider",
            format!("It was written with schema version {version}; this provider knows version {current}. Use the provider version that wrote it, or a newer one."),
        );
        return None;
    };
    encode(&without_write_only(tree, &e.write_only), &e.shape, diags)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::provider::PolycloudProvider;

    fn server() -> ProviderServer<PolycloudProvider> {
        ProviderServer::new(Arc::new(Registry::new(
            "polycloud",
            PolycloudProvider::default(),
        )))
    }

    fn config(server: &ProviderServer<PolycloudProvider>, tree: Json) -> proto::DynamicValue {
        let shape = &server.registry.resources["polycloud_vps"].shape;
        proto::DynamicValue {
            msgpack: encode_msgpack(&tree, shape).unwrap(),
            json: Vec::new(),
        }
    }

    async fn validate(write_only_allowed: bool) -> Vec<proto::Diagnostic> {
        let server = server();
        let request = proto::validate_resource_config::Request {
            type_name: "polycloud_vps".into(),
            config: Some(config(
                &server,
                json!({"name": "web", "password_wo": "s3cret-pw", "password_wo_version": 1}),
            )),
            client_capabilities: Some(proto::ClientCapabilities {
                write_only_attributes_allowed: write_only_allowed,
                ..Default::default()
            }),
        };
        server
            .validate_resource_config(Request::new(request))
            .await
            .unwrap()
            .into_inner()
            .diagnostics
    }

    #[tokio::test]
    async fn a_terraform_without_write_only_support_gets_a_diagnostic_on_the_attribute() {
        let refused = validate(false).await;
        assert_eq!(refused.len(), 1, "{refused:?}");
        // (Texts are not compared: other tests of this process register random
        // secrets, which the diagnostics mask.)
        assert_eq!(
            refused[0].severity,
            proto::diagnostic::Severity::Error as i32
        );
        let path = refused[0].attribute.as_ref().unwrap();
        assert_eq!(
            path.steps[0].selector,
            Some(proto::attribute_path::step::Selector::AttributeName(
                "password_wo".into()
            ))
        );
        assert!(validate(true).await.is_empty());
    }

    #[tokio::test]
    async fn a_type_the_provider_lacks_is_a_diagnostic_on_every_kind_of_call() {
        let server = server();
        let read = proto::read_resource::Request {
            type_name: "polycloud_nothing".into(),
            ..Default::default()
        };
        let answer = server.read_resource(Request::new(read)).await.unwrap();
        let read = answer.into_inner();
        assert!(read.new_state.is_none());
        assert_eq!(read.diagnostics.len(), 1, "{:?}", read.diagnostics);
        assert_eq!(read.diagnostics[0].summary, "Unknown resource type");
        let data = proto::read_data_source::Request {
            type_name: "polycloud_nothing".into(),
            ..Default::default()
        };
        let answer = server.read_data_source(Request::new(data)).await.unwrap();
        let data = answer.into_inner();
        assert!(data.state.is_none());
        assert_eq!(data.diagnostics[0].summary, "Unknown data source type");
        let open = proto::open_ephemeral_resource::Request {
            type_name: "polycloud_nothing".into(),
            ..Default::default()
        };
        let answer = server.open_ephemeral_resource(Request::new(open)).await;
        let open = answer.unwrap().into_inner();
        assert_eq!(
            open.diagnostics[0].summary,
            "Unknown ephemeral resource type"
        );
    }

    #[test]
    fn the_write_only_refusal_says_which_terraform_is_needed() {
        let mut diags = Diagnostics::default();
        refuse_write_only(
            &mut diags,
            &json!({"password_wo": "x", "name": "web"}),
            &["password_wo".into()],
        );
        assert_eq!(diags.items.len(), 1);
        assert!(diags.items[0].summary.contains("Write-only"));
        assert!(diags.items[0].detail.contains("Terraform 1.11 or later"));
        let mut none = Diagnostics::default();
        refuse_write_only(
            &mut none,
            &json!({"password_wo": null}),
            &["password_wo".into()],
        );
        assert!(none.items.is_empty());
    }

    #[tokio::test]
    async fn write_only_values_never_leave_in_a_plan() {
        let server = server();
        let tree = json!({"name": "web", "password_wo": "s3cret-pw", "password_wo_version": 1});
        let request = proto::plan_resource_change::Request {
            type_name: "polycloud_vps".into(),
            prior_state: Some(null_value()),
            proposed_new_state: Some(config(&server, tree.clone())),
            config: Some(config(&server, tree)),
            ..Default::default()
        };
        let planned = server
            .plan_resource_change(Request::new(request))
            .await
            .unwrap()
            .into_inner();
        let shape = &server.registry.resources["polycloud_vps"].shape;
        let planned = decode_msgpack(&planned.planned_state.unwrap().msgpack, shape).unwrap();
        assert_eq!(planned["password_wo"], Json::Null);
        assert_eq!(planned["password_wo_version"], json!(1));
    }
}

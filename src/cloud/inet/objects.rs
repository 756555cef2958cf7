//! iNET snapshots, backups and volumes: objects under `/vps/{vpsId}`, whose
//! Terraform ids are `<vps_id>/<id>`.

use std::time::Duration;

use serde_json::json;

use super::{wire, InetClient};
use crate::cloud::safe_create::{safe_create, Intent};
use crate::cloud::{Cloud, CloudError, CreateError};
use crate::http::{Body, Method};
use crate::model::*;
use crate::waiter::{self, Poll};

/// The id a create answered; an answer without one is a loud failure showing it,
/// which the safe create settles by its look-up (docs/design/wire.md, "iNET").
fn created_id(operation: &str, answer: &serde_json::Value) -> Result<String, CloudError> {
    wire::created_id(answer).ok_or_else(|| {
        crate::cloud::not_understood(
            operation,
            "names no id (data.id, or data as the id)",
            answer,
        )
    })
}

/// The domain snapshot/backup from the wire.
fn image_to_model(
    vps: u64,
    image: wire::Image,
    zone: time::UtcOffset,
) -> Result<Backup, CloudError> {
    let what = format!("snapshot or backup {} of VPS {vps}", image.id);
    let created_at = wire::created_at(image.created_date.as_deref(), &what, zone)?;
    Ok(Backup {
        id: format!("{vps}/{}", image.id),
        vps_id: vps.to_string(),
        name: image.name,
        description: None,
        status: image.status,
        size_gb: image.size,
        created_at,
        location: None,
    })
}

/// The domain volume from the wire.
fn volume_to_model(
    vps: u64,
    volume: wire::Volume,
    zone: time::UtcOffset,
) -> Result<Volume, CloudError> {
    let what = format!("volume {} of VPS {vps}", volume.id);
    let created_at = wire::created_at(volume.created_date.as_deref(), &what, zone)?;
    Ok(Volume {
        id: format!("{vps}/{}", volume.id),
        vps_id: vps.to_string(),
        size_gb: volume.size,
        description: None,
        image: volume.image,
        device_name: volume.device,
        created_at,
    })
}

impl InetClient {
    /// The snapshots or backups (`kind`) of one VPS as listed; `None` when the VPS is
    /// gone. `data` must be a list, and each element name its `id` and `status`: one
    /// that does not is shown in the error, never skipped.
    async fn listed_images(
        &self,
        vps: u64,
        kind: &str,
    ) -> Result<Option<Vec<wire::Image>>, CloudError> {
        // iNET doc, "Danh sách Snapshot" / "Danh sách Backup": GET /vps/{id}/snapshot|backup.
        let path = format!("/vps/{vps}/{kind}");
        let Some(list) = self.find::<Vec<serde_json::Value>>(&path).await? else {
            return Ok(None);
        };
        let operation = format!("iNET GET {path}");
        list.into_iter()
            .map(|i| wire::item(i, &format!("a {kind}"), &operation))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// The snapshots or backups (`kind`) of one VPS; `None` when the VPS is gone.
    async fn images_of(&self, vps: u64, kind: &str) -> Result<Option<Vec<Backup>>, CloudError> {
        let Some(list) = self.listed_images(vps, kind).await? else {
            return Ok(None);
        };
        list.into_iter()
            .map(|i| image_to_model(vps, i, self.time_zone))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    /// One snapshot or backup; `None` when it (or its VPS) does not exist.
    pub(super) async fn find_image(
        &self,
        vps: u64,
        kind: &str,
        sub: &str,
    ) -> Result<Option<Backup>, CloudError> {
        let wanted = format!("{vps}/{sub}");
        Ok(self
            .images_of(vps, kind)
            .await?
            .and_then(|list| list.into_iter().find(|i| i.id == wanted)))
    }

    /// Snapshots or backups of one VPS, or of every VPS of the account.
    pub(super) async fn list_images(
        &self,
        kind: &str,
        vps_id: Option<&str>,
    ) -> Result<Vec<Backup>, CloudError> {
        let ids: Vec<u64> = match vps_id {
            Some(id) => vec![super::require_vps_id(id)?],
            None => self
                .list_vps()
                .await?
                .iter()
                .filter_map(|v| super::parse_vps_id(&v.id))
                .collect(),
        };
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.images_of(id, kind).await?.unwrap_or_default());
        }
        Ok(out)
    }

    /// `DELETE /vps/{vps}/{kind}/{sub}` (iNET doc, "Xóa Snapshot", "Xóa Backup",
    /// "Xóa Volume"); already gone counts as deleted.
    pub(super) async fn delete_sub(
        &self,
        vps: u64,
        kind: &str,
        sub: &str,
    ) -> Result<Deleted, CloudError> {
        let request = self.request(Method::Delete, &format!("/vps/{vps}/{kind}/{sub}"));
        match self.call::<serde_json::Value>(request).await {
            Ok(_) => Ok(Deleted::Gone),
            Err(e) if e.is_not_found() => Ok(Deleted::Gone),
            Err(e) => Err(e),
        }
    }

    /// `POST /vps/{id}/snapshot` with `{}` (iNET doc, "Tạo Snapshot"), then waits
    /// until it is `available`. An ambiguous answer is resolved by looking for a
    /// snapshot that was not there before.
    pub(super) async fn make_snapshot(
        &self,
        spec: &SnapshotSpec,
        timeout: Duration,
    ) -> Result<Snapshot, CreateError> {
        let vps = super::require_vps_id(&spec.vps_id)?;
        let path = format!("/vps/{vps}/snapshot");
        let request = self
            .request(Method::Post, &path)
            .body(Body::Json(json!({})));
        // An iNET snapshot has no name of its own: any new snapshot of the VPS is it.
        let intent = Intent::new(
            format!("inet snapshot of {vps}"),
            format!("iNET snapshot of VPS {vps}"),
            format!("the snapshots of VPS {vps} (GET /vps/{vps}/snapshot)"),
            timeout,
        );
        let made = safe_create(
            &intent,
            || async {
                let list = self
                    .listed_images(vps, "snapshot")
                    .await?
                    .ok_or_else(|| CloudError::NotFound(format!("VPS {vps} not found")))?;
                Ok(list.into_iter().map(|s| (s.id.clone(), s.id)).collect())
            },
            || async {
                let answer: serde_json::Value = self.call(request.clone()).await?;
                let id = created_id(&format!("iNET POST {path}"), &answer)?;
                Ok((id.clone(), id))
            },
        )
        .await?;
        let id = format!("{vps}/{}", made.id);
        self.wait_snapshot(vps, &made.id, intent.wait_limit())
            .await
            .map_err(|error| CreateError {
                id: Some(id),
                error,
            })
    }

    /// Polls the snapshot list until the snapshot is `available`.
    async fn wait_snapshot(
        &self,
        vps: u64,
        sub: &str,
        timeout: Duration,
    ) -> Result<Snapshot, CloudError> {
        let what = format!("iNET snapshot {sub} of VPS {vps}");
        waiter::wait_for(&what, timeout, || async {
            match self.find_image(vps, "snapshot", sub).await? {
                Some(s) if wire::is_ready(&s.status) => Ok(Poll::Done(s)),
                Some(s) if s.status == "error" => Ok(Poll::Failed(
                    "iNET reports the snapshot in status error".into(),
                )),
                // Any other word is still pending; a timeout names it.
                Some(s) => Ok(Poll::Pending(format!("status {}", s.status))),
                None => Ok(Poll::Failed(
                    "the snapshot disappeared while it was being made".into(),
                )),
            }
        })
        .await
    }

    /// The volumes listed in the VPS's `dataExtend`; `None` when the VPS is gone.
    async fn volumes_of(&self, vps: u64) -> Result<Option<Vec<wire::Volume>>, CloudError> {
        let path = format!("/vps/{vps}");
        let detail: Option<wire::VpsDetail> = self.find(&path).await?;
        detail
            .map(|d| d.volumes(&format!("iNET GET {path}")))
            .transpose()
    }

    /// One volume; `None` when it (or its VPS) does not exist.
    pub(super) async fn find_volume(
        &self,
        vps: u64,
        sub: &str,
    ) -> Result<Option<Volume>, CloudError> {
        self.volumes_of(vps)
            .await?
            .and_then(|list| list.into_iter().find(|v| v.id == sub))
            .map(|v| volume_to_model(vps, v, self.time_zone))
            .transpose()
    }

    /// `POST /vps/{id}/volume` with `{"image"}` (iNET doc, "Tạo Volume"), then
    /// waits until `dataExtend` lists it.
    pub(super) async fn make_volume(
        &self,
        spec: &VolumeSpec,
        timeout: Duration,
    ) -> Result<Volume, CreateError> {
        let vps = super::require_vps_id(&spec.vps_id)?;
        let image = spec.image.clone().ok_or_else(|| {
            CloudError::Unsupported("iNET makes a volume from an image: set `image`.".into())
        })?;
        let request = self
            .request(Method::Post, &format!("/vps/{vps}/volume"))
            .body(Body::Json(json!({ "image": image })));
        let intent = Intent::new(
            format!("inet volume of {vps}"),
            format!("iNET volume from image {image:?} on VPS {vps}"),
            format!("the volumes of VPS {vps} (`dataExtend` of GET /vps/{vps})"),
            timeout,
        );
        let made = safe_create(
            &intent,
            || async {
                let now = self
                    .volumes_of(vps)
                    .await?
                    .ok_or_else(|| CloudError::NotFound(format!("VPS {vps} not found")))?;
                Ok(now
                    .into_iter()
                    .filter(|v| v.image.as_deref().is_none_or(|i| i == image))
                    .map(|v| (v.id.clone(), v.id))
                    .collect())
            },
            || async {
                let answer: serde_json::Value = self.call(request.clone()).await?;
                let id = created_id(&format!("iNET POST /vps/{vps}/volume"), &answer)?;
                Ok((id.clone(), id))
            },
        )
        .await?;
        let id = format!("{vps}/{}", made.id);
        self.wait_volume(vps, &made.id, intent.wait_limit())
            .await
            .map_err(|error| CreateError {
                id: Some(id),
                error,
            })
    }

    /// Polls the VPS until its `dataExtend` lists the volume.
    async fn wait_volume(
        &self,
        vps: u64,
        sub: &str,
        timeout: Duration,
    ) -> Result<Volume, CloudError> {
        let what = format!("iNET volume {sub} of VPS {vps}");
        waiter::wait_for(&what, timeout, || async {
            Ok(match self.find_volume(vps, sub).await? {
                Some(v) => Poll::Done(v),
                None => Poll::Pending("not listed in dataExtend yet".into()),
            })
        })
        .await
    }
}

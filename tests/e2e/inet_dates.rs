//! iNET dates by value (docs/design/wire.md, "Dates"): the simulator dates
//! every object on a fixed day above 12 (`POST /_sim/inet/dates`), so reading
//! `dd/MM/yyyy` as `MM/dd/yyyy` cannot pass.

use serde_json::json;

use crate::harness::*;
use crate::inet_helpers::*;

/// 2026-03-25T14:07:09Z; iNET prints it `25/03/2026 14:07`.
const FIXED_MS: u64 = 1_774_447_629_000;

#[test]
fn inet_dates_are_read_day_first_as_utc_instants() {
    let sim = Sim::start();
    let (status, body) = sim.call(
        "POST",
        "/_sim/inet/dates",
        Some(json!({ "date_ms": FIXED_MS })),
        &[],
    );
    assert_eq!(status, 200, "{body}");
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(
        &include_str!("fixtures/inet_dates.tf")
            .replace("ENDPOINT", &inet_endpoint(&sim))
            .replace("TOKEN", INET_TOKEN)
            .replace("VPS_ID", &vps),
    );
    ws.apply().ok();

    // The wire carried the document's form of that instant ...
    let held = server(&sim, &vps);
    assert_eq!(held["createdDate"], "25/03/2026 14:07");
    assert_eq!(held["snapshots"][0]["createdDate"], "25/03/2026 14:07");
    assert_eq!(held["volumes"][0]["createdDate"], "25/03/2026 14:07");
    assert_eq!(
        sim.requests_to("POST", &format!("/vps/{vps}/snapshot"))
            .len(),
        1
    );
    assert_eq!(
        sim.requests_to("POST", &format!("/vps/{vps}/volume")).len(),
        1
    );

    // ... and state holds the instant itself.
    for address in [
        "polycloud_vps.web",
        "polycloud_snapshot.s",
        "polycloud_volume.data",
    ] {
        let state = ws.resource(address);
        assert_eq!(
            state["created_at"], "2026-03-25T14:07:00Z",
            "{address}: {state}"
        );
    }
    ws.assert_no_changes();
}

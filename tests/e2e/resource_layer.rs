//! What the resource layer does once for every resource, seen through Terraform: an
//! import is refused with the cloud's advice, before any API call, where the cloud
//! cannot read the resource.

use crate::harness::*;
use crate::zomro_support::zomro_token_provider;

#[test]
fn import_is_refused_with_the_clouds_advice_before_any_request() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\nresource \"polycloud_backup\" \"b\" {{\n  vps_id = \"5113119\"\n}}\n",
        zomro_token_provider(&sim)
    ));
    sim.clear_requests();
    let run = ws.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_backup.b",
        "77",
    ]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(
        out.contains("polycloud_backup cannot be read or imported on zomro"),
        "{out}"
    );
    assert!(out.contains("Zomro"), "the cloud's advice: {out}");
    let sent: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r["cloud"] == "zomro")
        .collect();
    assert!(sent.is_empty(), "no request: {sent:#?}");
    assert!(ws.resource("polycloud_backup.b").is_null());
}

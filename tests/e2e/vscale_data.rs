//! Vscale data sources through Terraform (filled in by the data-source work).

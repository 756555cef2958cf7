# One provider configuration = one cloud account. The default (unaliased)
# configuration below talks to Vscale; resources use it unless they name another
# configuration with `provider = polycloud.<alias>`.

variable "vscale_token" {
  description = "Vscale API token (panel → Settings → API). Or leave `token` unset and export POLYCLOUD_TOKEN."
  type        = string
  sensitive   = true
}

provider "polycloud" {
  cloud = "vscale"
  token = var.vscale_token

  # Optional; these are the defaults.
  # endpoint        = "https://api.vscale.io/v1"
  # request_timeout = "30s"
  # max_retries     = 4
}

# The provider can also be configured entirely from the environment:
#
#   export POLYCLOUD_CLOUD=vscale
#   export POLYCLOUD_TOKEN=...
#   export POLYCLOUD_ENDPOINT=https://api.vscale.io/v1   # optional
#
# and then `provider "polycloud" {}` (or no provider block at all). POLYCLOUD_TOKEN
# and POLYCLOUD_ENDPOINT serve only the block whose cloud is POLYCLOUD_CLOUD; each
# cloud also has its own: POLYCLOUD_INET_TOKEN, POLYCLOUD_ZOMRO_USERNAME, ...

# ---------------------------------------------------------------------------
# Several clouds: one aliased configuration each. What a cloud cannot do fails at
# plan with a message saying what to use instead (see the capability matrix).
# ---------------------------------------------------------------------------

variable "inet_token" {
  type      = string
  sensitive = true
  default   = null
}

variable "zomro_username" {
  type    = string
  default = null
}

variable "zomro_password" {
  type      = string
  sensitive = true
  default   = null
}

variable "starvcenter_token" {
  type      = string
  sensitive = true
  default   = null
}

# iNET Cloud VPS: a bearer token.
provider "polycloud" {
  alias = "inet"
  cloud = "inet"
  token = var.inet_token
}

# Zomro (BILLmanager): user name and password instead of a token; the provider
# signs in (`func=auth`), sends the session as `auth`, and signs in again once when
# an answer says the session expired. Alternatively `token` = a session id you
# obtained yourself (it cannot be renewed by the provider).
provider "polycloud" {
  alias    = "zomro"
  cloud    = "zomro"
  username = var.zomro_username
  password = var.zomro_password
}

# PEM of the CA that signed the installation's certificate, when it is an internal
# one: ca_certificate = file("internal-ca.pem"). The system's trust store and the
# usual public roots are trusted anyway.
variable "starvcenter_ca_pem" {
  type    = string
  default = null
}

# StarVCenter runs on premises: `endpoint` is required. An internal CA is trusted
# through `ca_certificate`; `insecure = true` (no verification at all) is the last
# resort, for a quick test against a self-signed installation.
provider "polycloud" {
  alias           = "starvcenter"
  cloud           = "starvcenter"
  endpoint        = "https://cloud.example.com/services/cloudresource"
  token           = var.starvcenter_token
  ca_certificate  = var.starvcenter_ca_pem
  request_timeout = "60s"
  max_retries     = 6
}

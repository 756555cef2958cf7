# The account behind the credentials and its balance (main currency unit).
data "polycloud_account" "me" {}

output "balance" {
  value = "${data.polycloud_account.me.balance} ${data.polycloud_account.me.currency}"
}

# Fail the plan early when the account cannot pay for much more.
check "enough_money" {
  assert {
    condition     = data.polycloud_account.me.balance > 100
    error_message = "The balance is low: top up the account."
  }
}

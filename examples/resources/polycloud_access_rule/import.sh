# Imported by the rule id (StarVCenter).
terraform import polycloud_access_rule.web acl-000007

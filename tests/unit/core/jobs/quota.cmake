# Quotas: the submission decision, the usage ledger and the running cap of the claim.
pivot_core_unit_test(quota)

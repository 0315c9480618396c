# The `signals` member of a job request against channel descriptions, with
# the unsupported fields a source lists.
pivot_core_unit_test(request_signals)

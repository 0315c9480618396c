# The detail of a completed job's result as result_detail.c writes it.
pivot_core_unit_test(result_detail)

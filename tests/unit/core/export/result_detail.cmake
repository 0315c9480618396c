# The detail of a completed job's result as json_out.c writes it.
pivot_core_unit_test(result_detail)

# Job ids (core/export/job.c).
pivot_core_unit_test(job)

# The SQLite job store (core/jobs/jobstore*.c).
pivot_core_unit_test(jobstore)

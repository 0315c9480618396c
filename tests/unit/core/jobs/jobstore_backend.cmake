# The job store's backend choice (core/jobs/jobstore_backend.c, state_dir.c).
pivot_core_unit_test(jobstore_backend)

# The quick-look preview's buckets and file (core/export/preview.c).
pivot_core_unit_test(preview)

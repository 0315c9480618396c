# JSON log lines: cut at a whole character when too long, never invalid UTF-8.
pivot_core_unit_test(log)

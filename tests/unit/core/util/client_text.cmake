# What of a job's error message reaches its client (client_text.c).
pivot_core_unit_test(client_text)

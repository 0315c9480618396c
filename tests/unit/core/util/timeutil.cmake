# Times and their text (core/util/timeutil.c).
pivot_core_unit_test(timeutil)

# "Did you mean": case-insensitive edit distances and the names suggested.
pivot_core_unit_test(suggest)

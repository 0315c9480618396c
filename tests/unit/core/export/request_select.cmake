# Channel selection of a job request (core/export/request.c, channel_select.c).
pivot_core_unit_test(request_select)

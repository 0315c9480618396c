#include "provenance.h"

#include "attrs.h"

#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int dup_or_null(char **out, const char *s)
{
    *out = s != NULL ? strdup(s) : NULL;
    return s != NULL && *out == NULL ? PIVOT_ENOMEM : 0;
}

int hx_provenance_keep(hx_provenance *p, const pivot_export_info *info)
{
    memset(p, 0, sizeof(*p));
    p->requested_start_ns = info->requested.start_ns;
    p->requested_end_ns = info->requested.end_ns;
    p->decimation_factor = info->decimation_factor;
    p->decimation_interval_ns = info->decimation_interval_ns;
    if (dup_or_null(&p->job_id, info->job_id) != 0 ||
        dup_or_null(&p->producer, info->producer) != 0 ||
        dup_or_null(&p->request, info->request_json) != 0 ||
        dup_or_null(&p->decimation_method, info->decimation_method) != 0) {
        hx_provenance_free(p);
        return PIVOT_ENOMEM;
    }
    return 0;
}

void hx_provenance_free(hx_provenance *p)
{
    free(p->job_id);
    free(p->producer);
    free(p->request);
    free(p->decimation_method);
    memset(p, 0, sizeof(*p));
}

int hx_write_decimation(hid_t obj, hid_t str_type, const char *method, uint64_t factor,
                        int64_t interval_ns, const char *where, char *err, size_t errlen)
{
    char iso[PIVOT_ISO_DURATION_SIZE];
    int rc = 0;

    if (method == NULL)
        goto out;
    rc = hx_attr_string(obj, str_type, "decimation_method", method, where, err, errlen);
    if (rc == 0 && factor > 0)
        rc = hx_attr_uint64(obj, "decimation_factor", factor, where, err, errlen);
    if (rc != 0 || interval_ns <= 0)
        goto out;
    rc = hx_attr_int64(obj, "decimation_interval_ns", interval_ns, where, err, errlen);
    if (rc == 0 && pivot_iso_duration_format(interval_ns, iso, sizeof(iso)) != 0) {
        snprintf(err, errlen, "%s attribute \"decimation_interval_iso\": %lld ns %s", where,
                 (long long)interval_ns, "cannot be shown");
        rc = PIVOT_ERANGE;
    }
    if (rc == 0)
        rc = hx_attr_string(obj, str_type, "decimation_interval_iso", iso, where, err, errlen);
out:
    return rc;
}

int hx_provenance_write(hid_t group, hid_t str_type, const hx_provenance *p, const char *where,
                        char *err, size_t errlen)
{
    const struct {
        const char *name;
        const char *value;
    } strings[] = {{"job_id", p->job_id}, {"producer", p->producer}, {"request", p->request}};
    int rc = 0;

    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]) && rc == 0; i++)
        if (strings[i].value != NULL)
            rc = hx_attr_string(group, str_type, strings[i].name, strings[i].value, where, err,
                                errlen);
    if (rc == 0)
        rc = hx_attr_range(group, str_type, "requested", p->requested_start_ns, p->requested_end_ns,
                           where, err, errlen);
    if (rc == 0)
        rc = hx_write_decimation(group, str_type, p->decimation_method, p->decimation_factor,
                                 p->decimation_interval_ns, where, err, errlen);
    return rc;
}

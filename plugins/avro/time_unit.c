/* Names, parsing and inference of time units. */
#include "time_unit.h"

#include <string.h>

static const struct {
    const char *name;
    int64_t ns;
} units[] = {{"s", 1000000000}, {"ms", 1000000}, {"us", 1000}, {"ns", 1}};

int64_t pva_time_unit_parse(const char *name)
{
    for (size_t i = 0; name != NULL && i < sizeof(units) / sizeof(units[0]); i++)
        if (strcmp(name, units[i].name) == 0)
            return units[i].ns;
    return 0;
}

const char *pva_time_unit_name(int64_t ns_per_unit)
{
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (units[i].ns == ns_per_unit)
            return units[i].name;
    return NULL;
}

const char *pva_unit_source_name(pva_unit_source source)
{
    switch (source) {
    case PVA_UNIT_CONFIGURED:
        return "configured";
    case PVA_UNIT_LOGICAL_TYPE:
        return "logical type";
    case PVA_UNIT_INFERRED:
        return "inferred";
    case PVA_UNIT_UNKNOWN:
        break;
    }
    return NULL;
}

int64_t pva_time_unit_infer(int64_t value)
{
    /* Times before 1970 count by their distance from it. */
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;

    if (magnitude < 100000000000ULL)
        return 1000000000;
    if (magnitude < 100000000000000ULL)
        return 1000000;
    if (magnitude < 100000000000000000ULL)
        return 1000;
    return 1;
}

/*
 * What a reader learns about a signal from its dataset's attributes: its
 * type as pivot and as the source name it, the fill of samples the source
 * had not, and the units and description the source schema documents.
 */
#include "signal_attrs.h"

#include "attrs.h"

#include <math.h>

/*
 * The value a sample holds when the source file it came from had no such
 * field (the channel's schema gained the signal later): NaN, 0, "" or the
 * enum's first symbol (index 0), the same for every signal of a type.
 * Named `fill_value`, not netCDF's `_FillValue`, which readers such as
 * xarray would turn into masking of every 0 in an integer signal. Bytes
 * have none: their fill is no bytes (zero bytes for a fixed size), which
 * no attribute of their own type could state better than the docs.
 */
static int write_fill_value(const hx_export *x, const hx_signal *s, hid_t file_type,
                            const char *where, char *err, size_t errlen)
{
    /* Eight bytes, every one zero: 0 in each integer width, false, and index 0. */
    union {
        double f64;
        float f32;
        int64_t i64;
    } fill = {.i64 = 0};
    int rc = 0;

    switch (s->type) {
    case PIVOT_TYPE_BYTES:
        goto out;
    case PIVOT_TYPE_STRING:
        rc = hx_attr_string(s->dset, x->str_type, "fill_value", "", where, err, errlen);
        goto out;
    case PIVOT_TYPE_FLOAT64:
        fill.f64 = NAN;
        break;
    case PIVOT_TYPE_FLOAT32:
        fill.f32 = NAN;
        break;
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_BOOL:
    case PIVOT_TYPE_ENUM:
        break;
    }
    rc = hx_attr_scalar(s->dset, "fill_value", file_type, s->mem_type, &fill, where, err, errlen);
out:
    return rc;
}

int hx_signal_attrs(const hx_export *x, const hx_signal *s, hid_t file_type,
                    const pivot_signal_detail *d, const char *mask_name, const char *where,
                    char *err, size_t errlen)
{
    /* Written only when the source says something: an absent attribute
     * is clearer than an empty one. */
    const struct {
        const char *name;
        const char *value;
    } texts[] = {
        {"units", d->units},
        {"description", d->doc},
        {"avro_type", d->source_type},
        {HX_VALID_MASK_ATTR, s->nullable ? mask_name : NULL},
    };
    int rc;

    rc = hx_attr_string(s->dset, x->str_type, "source_type", pivot_type_name(s->type), where, err,
                        errlen);
    if (rc == 0)
        rc = write_fill_value(x, s, file_type, where, err, errlen);
    for (size_t i = 0; rc == 0 && i < sizeof(texts) / sizeof(texts[0]); i++) {
        if (texts[i].value != NULL)
            rc = hx_attr_string(s->dset, x->str_type, texts[i].name, texts[i].value, where, err,
                                errlen);
    }
    return rc;
}

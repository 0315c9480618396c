"""Opening export files: h5py for everything, xarray for one channel when installed."""


def open(path, mode="r"):  # noqa: A001 - mirrors h5py.File and io.open
    """The export file as an ``h5py.File`` (read-only by default); use it in a ``with``."""
    try:
        import h5py
    except ImportError as e:
        raise ImportError("reading export files needs h5py (Debian: python3-h5py; "
                          "pip: pip install h5py)") from e
    return h5py.File(path, mode)


def to_xarray(path, channel):
    """One channel of an export file as an ``xarray.Dataset``.

    The ``time`` dataset (int64 ns since the epoch) becomes a ``datetime64[ns]``
    coordinate; every signal becomes a data variable along it, with the
    file's attributes kept.
    """
    try:
        import numpy
        import xarray
    except ImportError as e:
        raise ImportError("to_xarray needs xarray (Debian: python3-xarray; pip: pip install "
                          "xarray)") from e
    with open(path) as f:
        group = f[channel]
        times = numpy.asarray(group["time"][:], dtype="int64").astype("datetime64[ns]")
        data = {}
        for name, ds in group.items():
            if name == "time":
                continue
            values = ds[:]
            if values.dtype.kind == "O":
                values = numpy.array([v.decode() if isinstance(v, bytes) else v for v in values],
                                     dtype=object)
            attrs = {k: _attr(v) for k, v in ds.attrs.items() if k != "DIMENSION_LIST"}
            data[name] = ("time", values, attrs)
        attrs = {k: _attr(v) for k, v in group.attrs.items()}
        attrs.update({"file_" + k: _attr(v) for k, v in f.attrs.items()})
        return xarray.Dataset(data, coords={"time": times}, attrs=attrs)


def _attr(value):
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value

"""Opening export files: h5py for everything, xarray for the channels when installed."""

import collections.abc

# Root attributes that say what a channel's rows are and where they come from.
# Current servers repeat the provenance and decimation ones on each channel
# group; files from older servers have them on the root only, so to_xarray
# copies those the group lacks onto each channel's Dataset (the group's own
# values are kept), and a channel used alone still says what it holds.
ROOT_ATTRS_FOR_CHANNELS = (
    "pivot_format_version", "job_id", "producer", "owner", "request", "metadata",
    "description", "user", "requested_start", "requested_end", "requested_start_iso",
    "requested_end_iso", "decimation_method", "decimation_factor", "decimation_interval_ns",
    "decimation_interval_iso")


def open(path, mode="r"):  # noqa: A001 - mirrors h5py.File and io.open
    """The export file as an ``h5py.File`` (read-only by default); use it in a ``with``."""
    try:
        import h5py
    except ImportError as e:
        raise ImportError("reading export files needs h5py (Debian: python3-h5py; "
                          "pip: pip install h5py)") from e
    return h5py.File(path, mode)


def strings(dataset):
    """The values of a string signal's h5py dataset as a list of ``str``, in either layout
    the server writes: short values as a character array (rows of one-byte strings padded
    with NUL bytes, 2-D), long text as variable-length strings (1-D). xarray and
    ``to_xarray`` decode both by themselves."""
    if dataset.ndim == 2:
        rows = dataset[...].view("S%d" % dataset.shape[1]).reshape(-1)
        return [r.decode("utf-8") for r in rows]
    return list(dataset.asstr()[...])


def _xarray():
    try:
        import h5netcdf  # noqa: F401 - the engine that reads every signal type, checked here
        import xarray
    except ImportError as e:
        raise ImportError("to_xarray needs xarray and h5netcdf (Debian: python3-xarray "
                          "python3-h5netcdf; pip: pip install xarray h5netcdf)") from e
    return xarray


def _attr(value):
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


def _root_attrs(path):
    with open(path) as f:
        return list(f.keys()), {k: _attr(v) for k, v in f.attrs.items()}


def _channel(source, root, channel=None):
    """One channel group as a lazily loaded Dataset: the time coordinate is read (xarray
    indexes it), every signal only when used. source is the file's path (with channel), or
    the channel's group of an open ``h5netcdf.File``."""
    xarray = _xarray()
    if channel is not None:
        ds = xarray.open_dataset(source, group=channel, engine="h5netcdf")
    else:
        ds = xarray.open_dataset(xarray.backends.H5NetCDFStore(source))
    for name in ROOT_ATTRS_FOR_CHANNELS:
        if name in root and name not in ds.attrs:
            ds.attrs[name] = root[name]
    ds.attrs.update({"file_" + k: v for k, v in root.items()})
    return ds


class Channels(collections.abc.Mapping):
    """The channels of an export file by name, each an ``xarray.Dataset`` opened on first
    use (then kept). They read through one open file, opened at the first lookup: opening
    the file once per channel would read every group's metadata again each time (with
    xarray's netCDF4 engine that alone costs more than a channel's own opening). So close
    the mapping (``close()``, or use it in a ``with``), not a channel's Dataset, which
    would close the file under the others."""

    def __init__(self, path):
        _xarray()
        self.path = path
        self._names, self._root = _root_attrs(path)
        self._open = {}
        self._file = None

    def __getitem__(self, channel):
        if channel not in self._names:
            raise KeyError(channel)
        if channel not in self._open:
            if self._file is None:
                import h5netcdf
                # Decoded as xarray decodes them when it opens a file itself.
                self._file = h5netcdf.File(self.path, "r", decode_vlen_strings=True)
            self._open[channel] = _channel(self._file[channel], self._root)
        return self._open[channel]

    def __iter__(self):
        return iter(self._names)

    def __len__(self):
        return len(self._names)

    def __repr__(self):
        return "<Channels of %s: %s>" % (self.path, ", ".join(self._names))

    def close(self):
        self._open.clear()
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def to_xarray(path, channel=None):
    """An export file as xarray, read lazily.

    With ``channel``: that channel as an ``xarray.Dataset`` whose ``time``
    coordinate is ``datetime64[ns]`` and whose signals are data variables
    along it, read from the file when first used (``.load()`` reads them all).
    Without: every channel, as a read-only mapping {channel name: Dataset}
    that opens a channel only when it is looked up. Each Dataset carries its
    group's attributes, the root's decimation and provenance attributes
    (``decimation_method``, ``decimation_factor``/``decimation_interval_ns``,
    ``job_id``, ``request``, ``requested_start_iso``...) under their own
    names, and every root attribute as ``file_<name>``.
    """
    if channel is None:
        return Channels(path)
    names, root = _root_attrs(path)
    if channel not in names:
        raise KeyError("%s: no channel %r in the file (it has %s)"
                       % (path, channel, ", ".join(names) or "none"))
    return _channel(path, root, channel)

"""Python client for SpeedData Pivot: export telemetry time ranges to HDF5.

    from speeddata_pivot import Client
    client = Client("http://localhost:8000")            # key from $SPEEDDATA_API_KEY
    path = client.export(channels=["ch1"], last="PT1H", path="export.h5")
    with client.open(path) as f:
        ...
    channels = speeddata_pivot.to_xarray(path)          # {channel: xarray.Dataset}, lazily
"""

# The one place the version is written: pyproject.toml reads it from here.
__version__ = "0.1.0"

from .client import Client
from .request import ArgumentError, build_request
from .errors import (BadRequest, Conflict, Gone, JobFailed, MethodNotAllowed, MissingData,
                     MissingDataWarning, NotFound, PivotError, QuotaExceeded, ServerError,
                     TooLarge, Unauthorized, Unprocessable, WaitTimeout)
from .files import open, strings, to_xarray  # noqa: A004
from .units import human_bytes

__all__ = ["Client", "build_request", "ArgumentError", "open", "strings", "to_xarray",
           "human_bytes",
           "PivotError", "BadRequest",
           "Unauthorized", "NotFound", "MethodNotAllowed", "Conflict", "Gone", "TooLarge",
           "Unprocessable", "QuotaExceeded", "ServerError", "JobFailed", "WaitTimeout",
           "__version__"]

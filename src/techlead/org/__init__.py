"""Organisation scale: the same evidence across many repositories, on a Dask cluster."""

"""Storage: the analysis cache, project files, their JSON format, bounded JSON reading,
and pausing the garbage collector while records are built in bulk."""

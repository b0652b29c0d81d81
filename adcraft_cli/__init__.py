"""The command line: `adcraft ...`. A thin layer over the library, the pipelines and the
Serve application (the library imports none of these)."""

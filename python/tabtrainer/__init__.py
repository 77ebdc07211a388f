"""Continue a tab-proof trainer run in PyTorch, and write it back in the browser's format."""

__version__ = "0.1.0"
PRODUCER = f"tabtrainer-py/{__version__}"

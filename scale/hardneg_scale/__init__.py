"""HardNeg Lab scale-out engine: the browser engine in PyTorch (see scale/cli.py)."""

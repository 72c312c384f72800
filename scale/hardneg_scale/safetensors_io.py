"""A small strict safetensors reader and writer (same checks as src/core/clip/safetensors.ts).

Layout: an 8-byte little-endian header length, a JSON header, then one data section the
tensors tile exactly (no overlap, gap or unused tail). F32, F16 and BF16 are read (as
float32 numpy arrays); I64 buffers are skipped; files are written as F32, names sorted.
"""

import json
import struct
from collections import OrderedDict

import numpy as np

MAX_HEADER_BYTES = 100_000_000
METADATA_KEY = "__metadata__"
READ_DTYPES = {"F32", "F16", "BF16"}
SKIPPED_DTYPES = {"I64"}
DTYPE_BYTES = {
    "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "I16": 2, "U16": 2, "F16": 2,
    "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "F64": 8, "I64": 8, "U64": 8,
}


class SafetensorsError(ValueError):
    pass


def _fail(message: str):
    raise SafetensorsError(f"safetensors: {message}")


def _show(value) -> str:
    return json.dumps(value)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_entry(name: str, raw, data_bytes: int):
    if not isinstance(raw, dict):
        _fail(f'tensor "{name}": entry must be an object, got {_show(raw)}')
    dtype = raw.get("dtype")
    if dtype is None:
        _fail(f'tensor "{name}": dtype is missing')
    if not isinstance(dtype, str):
        _fail(f'tensor "{name}": dtype must be a string, got {_show(dtype)}')
    if dtype not in DTYPE_BYTES:
        _fail(f'tensor "{name}": unknown dtype {_show(dtype)}')
    if dtype not in READ_DTYPES and dtype not in SKIPPED_DTYPES:
        _fail(f'tensor "{name}": unsupported dtype {dtype} (F32, F16 and BF16 are read, I64 is skipped)')
    shape = raw.get("shape")
    if shape is None:
        _fail(f'tensor "{name}": shape is missing')
    if not isinstance(shape, list):
        _fail(f'tensor "{name}": shape must be an array, got {_show(shape)}')
    for dim in shape:
        if not _is_int(dim) or dim < 0:
            _fail(f'tensor "{name}": shape {_show(shape)} must be non-negative integers')
    offsets = raw.get("data_offsets")
    if offsets is None:
        _fail(f'tensor "{name}": data_offsets is missing')
    if not isinstance(offsets, list) or len(offsets) != 2:
        _fail(f'tensor "{name}": data_offsets must be [begin, end], got {_show(offsets)}')
    if not all(_is_int(o) and o >= 0 for o in offsets):
        _fail(f'tensor "{name}": data_offsets {_show(offsets)} must be non-negative integers')
    begin, end = offsets
    if begin > end:
        _fail(f'tensor "{name}": data_offsets {_show(offsets)} begin is after end')
    if end > data_bytes:
        _fail(f'tensor "{name}": data_offsets [{begin}, {end}] extend past the data section ({data_bytes} bytes)')
    needed = int(np.prod(shape, dtype=np.int64)) * DTYPE_BYTES[dtype]
    if needed != end - begin:
        _fail(
            f'tensor "{name}": shape {_show(shape)} of {dtype} needs {needed} bytes, '
            f"but data_offsets [{begin}, {end}] hold {end - begin}"
        )
    return name, dtype, shape, begin, end


def _check_coverage(entries, data_bytes: int) -> None:
    covered = 0
    previous = None
    for name, _dtype, _shape, begin, end in sorted(entries, key=lambda e: (e[3], e[4])):
        if begin < covered and previous:
            _fail(f'tensors "{previous[0]}" [{previous[3]}, {previous[4]}] and "{name}" [{begin}, {end}] overlap')
        if begin > covered:
            where = f'after tensor "{previous[0]}" (ends at {covered})' if previous else "at the start"
            _fail(f'gap of {begin - covered} bytes {where} before tensor "{name}" (starts at {begin})')
        covered = end
        previous = (name, _dtype, _shape, begin, end)
    if covered != data_bytes:
        after = f' after tensor "{previous[0]}" (ends at {covered})' if previous else " (no tensors)"
        _fail(f"data section has {data_bytes - covered} unused bytes{after}; it is {data_bytes} bytes long")


def _decode(raw: bytes, dtype: str, shape) -> np.ndarray:
    if dtype == "F32":
        values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    elif dtype == "F16":
        values = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    else:  # BF16: the top half of a float32
        values = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    return values.reshape(shape)


def read_safetensors(data: bytes):
    """(tensors: OrderedDict name -> float32 array in header order, metadata, skipped names)."""
    if len(data) < 8:
        _fail(f"file is {len(data)} bytes, too short for the 8-byte header length")
    (length,) = struct.unpack("<Q", data[:8])
    if length > MAX_HEADER_BYTES:
        _fail(f"header length {length} exceeds the limit of {MAX_HEADER_BYTES} bytes")
    if 8 + length > len(data):
        _fail(f"header length {length} exceeds the {len(data) - 8} bytes after the length prefix")
    try:
        text = data[8 : 8 + length].decode("utf-8")
    except UnicodeDecodeError:
        _fail("header is not valid UTF-8")
    if not text.startswith("{"):
        _fail(f'header must start with "{{", found {_show(text[:16])}')
    try:
        header = json.loads(text, object_pairs_hook=OrderedDict)
    except json.JSONDecodeError as e:
        _fail(f"header is not valid JSON: {e}")
    if not isinstance(header, dict):
        _fail("header is not a JSON object")
    data_start = 8 + length
    data_bytes = len(data) - data_start
    metadata = header.get(METADATA_KEY, {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        _fail(f"{METADATA_KEY} must be an object of strings, got {_show(metadata)}")
    entries = [_parse_entry(n, raw, data_bytes) for n, raw in header.items() if n != METADATA_KEY]
    _check_coverage(entries, data_bytes)
    tensors = OrderedDict()
    skipped = []
    for name, dtype, shape, begin, end in entries:
        if dtype not in READ_DTYPES:
            skipped.append(name)
            continue
        tensors[name] = _decode(data[data_start + begin : data_start + end], dtype, shape)
    return tensors, dict(metadata), skipped


def write_safetensors(tensors, metadata=None) -> bytes:
    """F32 tensors (name -> array-like), sorted by name, `__metadata__` first (format "pt")."""
    arrays = {}
    for name, value in tensors.items():
        if name == METADATA_KEY:
            _fail(f'"{METADATA_KEY}" cannot be a tensor name')
        arrays[name] = np.array(value, dtype="<f4", order="C")  # a copy; 0-d stays 0-d
    header = OrderedDict([(METADATA_KEY, {"format": "pt", **(metadata or {})})])
    offset = 0
    for name in sorted(arrays):
        size = arrays[name].nbytes
        header[name] = {"dtype": "F32", "shape": list(arrays[name].shape), "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    padded = text + b" " * ((-len(text)) % 8)
    body = b"".join(arrays[name].tobytes() for name in sorted(arrays))
    return struct.pack("<Q", len(padded)) + padded + body

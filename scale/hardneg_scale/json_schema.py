"""The JSON Schema subset that zod's `toJSONSchema` writes for the run bundle
(run_bundle.schema.json): validates an instance and fills in `default`s, so the Python side
checks exactly the schema the browser's zod checks. An unknown keyword is a bug, not ignored."""

import copy

KNOWN = {
    "$schema", "$comment", "type", "properties", "required", "additionalProperties", "propertyNames", "items",
    "anyOf", "const", "default", "description", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "minItems", "maxItems", "enum",
}


class SchemaError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f'field "{field or "(root)"}": {message}')
        self.field = field


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


TYPE_CHECKS = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "number": _is_number,
    "integer": lambda v: _is_number(v) and float(v).is_integer(),
    "null": lambda v: v is None,
}


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate(instance, schema: dict, path: str = ""):
    """The instance with defaults filled in; raises SchemaError naming the first bad field."""
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"json_schema: unsupported keyword(s) {sorted(unknown)} at {path or '(root)'}")
    if "anyOf" in schema:
        for option in schema["anyOf"]:
            try:
                return validate(instance, option, path)
            except SchemaError:
                continue
        raise SchemaError(path, f"{_show(instance)} matches none of the allowed forms")
    kind = schema.get("type")
    if kind is not None and not TYPE_CHECKS[kind](instance):
        raise SchemaError(path, f"expected {kind}, got {_show(instance)}")
    if "const" in schema and instance != schema["const"]:
        raise SchemaError(path, f"expected {schema['const']!r}, got {_show(instance)}")
    if "enum" in schema and instance not in schema["enum"]:
        raise SchemaError(path, f"expected one of {schema['enum']}, got {_show(instance)}")
    if _is_number(instance):
        for key, ok, words in (
            ("minimum", lambda v, b: v >= b, ">="), ("maximum", lambda v, b: v <= b, "<="),
            ("exclusiveMinimum", lambda v, b: v > b, ">"), ("exclusiveMaximum", lambda v, b: v < b, "<"),
        ):
            if key in schema and not ok(instance, schema[key]):
                raise SchemaError(path, f"must be {words} {schema[key]}, got {instance}")
    if isinstance(instance, str) and len(instance) < schema.get("minLength", 0):
        raise SchemaError(path, f"must be at least {schema['minLength']} characters")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            raise SchemaError(path, f"needs at least {schema['minItems']} items")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            raise SchemaError(path, f"allows at most {schema['maxItems']} items")
        if "items" in schema:
            return [validate(v, schema["items"], f"{path}.{i}" if path else str(i)) for i, v in enumerate(instance)]
    if isinstance(instance, dict):
        return _validate_object(instance, schema, path)
    return instance


def _validate_object(instance: dict, schema: dict, path: str) -> dict:
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    out = {}
    for name in schema.get("required", []):
        if name not in instance:
            raise SchemaError(f"{path}.{name}" if path else name, "is required")
    for name, value in instance.items():
        field = f"{path}.{name}" if path else name
        if name in properties:
            out[name] = validate(value, properties[name], field)
        elif extra is False:
            raise SchemaError(field, "is not a known field")
        else:
            out[name] = validate(value, extra, field) if isinstance(extra, dict) else value
    for name, sub in properties.items():
        if name not in out and "default" in sub:
            out[name] = validate(copy.deepcopy(sub["default"]), sub, f"{path}.{name}" if path else name)
    return out

"""What every writable serializer of the API shares: a field it does not know is refused by name.

Without this, a misspelt field ("vistors") is silently dropped and the client believes it saved.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers


class StrictInput(serializers.Serializer[Any]):
    """Put first among a writable serializer's bases; nested inputs refuse unknown fields too."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            known = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in known)
            if unknown:
                raise serializers.ValidationError({name: ["This field is not known here."] for name in unknown})
        return super().to_internal_value(data)

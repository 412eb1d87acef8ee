"""The OpenAPI schema, true to what the API answers: drf-spectacular describes the successful
answer of each operation; this adds, once for every viewset (so new apps inherit it), the error
answers the base classes give — 400 for a bad parameter or body, 401 without credentials, 403 for
a right the role lacks, 404 outside the scope, 412/428 for a write against a newer version or
without one, 429 when throttled — each with its body, and the If-Match header of writes."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in the caller's language."}},
    "required": ["detail"],
}
# A validation error: field name (or non_field_errors / detail) -> messages, in the caller's language.
INVALID = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}

ERRORS = {
    "400": ("The parameters or the body were refused; nothing changed.", INVALID),
    "401": ("No valid credentials (a token or a session).", DETAIL),
    "403": ("Your role may not do this here.", DETAIL),
    "404": ("No such record in your scope.", DETAIL),
    "412": ("The record changed since you read it (If-Match / version is stale); nothing changed.", DETAIL),
    "428": ("A write must name the version it changes: If-Match or `version` (If-Match: * overwrites).", DETAIL),
    "429": ("Too many requests; try again later (Retry-After).", DETAIL),
}


class Schema(AutoSchema):
    def is_excluded(self):
        """POST on the list of records made elsewhere (BaseViewSet.creatable) is no operation."""
        view = self.view
        return super().is_excluded() or (
            getattr(view, "action", None) == "create" and not getattr(view, "creatable", True)
        )

    def _versioned_write(self) -> bool:
        model = getattr(getattr(self.view, "queryset", None), "model", None)
        return self.method in {"PUT", "PATCH"} and model is not None and hasattr(model, "updated")

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self._versioned_write():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="The ETag (or `version`) you read; `*` overwrites. Without it or a "
                    "`version` in the body the write answers 428.",
                )
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400"]
        permissions = self.view.get_permissions()
        if permissions and not any(isinstance(p, AllowAny) for p in permissions):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self._versioned_write():
            codes += ["412", "428"]
        if getattr(self.view, "throttle_classes", None) or getattr(self.view, "throttle_scope", None):
            codes.append("429")
        for code in codes:
            description, schema = ERRORS[code]
            responses.setdefault(
                code, {"description": description, "content": {"application/json": {"schema": schema}}}
            )
        return responses

"""Bad input is the caller's mistake, answered 400 in the caller's language, never a 500; and a
500 (our mistake) never shows a traceback. The pieces live in the base classes so that every app's
lists, filters and API inherit them:

- `whole_number()` reads a numeric query parameter or refuses it (BadRequest) naming the range;
- `bounded_field()` keeps a number filter inside what the database can hold, and a relation
  filter from sending an id no database column holds (SQLite overflows on such an id);
- `BadInputMiddleware` answers 400 for a number the database cannot hold wherever it came from
  (the backstop for hand-written views), and `bad_request` / `server_error` are the 400 and 500
  pages (JSON under /api/).
"""

from django.core.exceptions import BadRequest
from django.db import DataError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

BIGINT = 2**63 - 1  # the largest id or number a database integer column holds


def whole_number(params, name: str, *, minimum: int = 1, maximum: int = BIGINT, default: int | None = None):
    """The whole number `params[name]`, `default` when absent or empty; BadRequest otherwise."""
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if value is None or not minimum <= value <= maximum:
        raise BadRequest(
            _("“%(name)s” must be a whole number from %(minimum)s to %(maximum)s.")
            % {"name": name, "minimum": minimum, "maximum": maximum}
        )
    return value


def out_of_range(error: BaseException) -> bool:
    """A number the database cannot hold: SQLite raises OverflowError, PostgreSQL 22003."""
    if isinstance(error, OverflowError):
        return True
    return isinstance(error, DataError) and getattr(error.__cause__, "sqlstate", None) == "22003"


def out_of_range_message() -> str:
    return _("A number in the request is too large.")


# --- filters -------------------------------------------------------------------------------

_BOUNDED = {}


def bounded_field(field_class):
    """`field_class` (a ModelChoiceField or ModelMultipleChoiceField) refusing, as an invalid
    choice and without a query, an integer id no database column can hold."""
    if field_class not in _BOUNDED:

        class Bounded(field_class):
            def _fits(self, value) -> bool:
                if not self.queryset.model._meta.pk.get_internal_type().endswith("AutoField"):
                    return True
                try:
                    return abs(int(str(value).strip())) <= BIGINT
                except ValueError:
                    return True  # not a number: the field's own check refuses it

            def to_python(self, value):
                if value not in self.empty_values and not self._fits(value):
                    from django.core.exceptions import ValidationError

                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
                return super().to_python(value)

            def _check_values(self, value):
                if any(not self._fits(v) for v in value or ()):
                    from django.core.exceptions import ValidationError

                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
                    )
                return super()._check_values(value)

        Bounded.__name__ = f"Bounded{field_class.__name__}"
        _BOUNDED[field_class] = Bounded
    return _BOUNDED[field_class]


# --- pages and the backstop ----------------------------------------------------------------


def _api(request) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request, exception=None, template_name="400.html"):
    """400: our own BadRequest messages are shown (they say what to send instead); others, such
    as a bad Host header, get the general sentence."""
    message = str(exception) if type(exception) is BadRequest and str(exception) else ""
    message = message or _("The request was not understood: check the address and the values you sent.")
    if _api(request):
        return JsonResponse({"detail": message}, status=400)
    return render(request, template_name, {"message": message}, status=400)


def page_not_found(request, exception=None):
    """404: JSON under /api/ (an address no route matches, such as /api/enterprises/0.5/)."""
    if _api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    from django.views.defaults import page_not_found as default

    return default(request, exception)


def server_error(request, template_name="500.html"):
    """500: a sentence and the request id, never a traceback (the log has it)."""
    request_id = getattr(request, "id", "")
    if _api(request):
        return JsonResponse({"detail": _("Server error; it has been logged."), "request_id": request_id}, status=500)
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template(template_name).render({"request_id": request_id}))


class BadInputMiddleware:
    """A number the database cannot hold, from any view, answers 400 instead of 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if out_of_range(exception):
            return bad_request(request, BadRequest(out_of_range_message()))
        return None

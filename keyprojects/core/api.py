"""Base REST pieces: every viewset reads through restrict(), writes run the model's
full_clean(), relation fields offer only in-scope rows, and errors come in the caller's
language (Accept-Language)."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action as drf_action
from rest_framework.exceptions import APIException, MethodNotAllowed, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .access import Action, can, refusal
from .context import acting, bind_user
from .errors import BIGINT, out_of_range, out_of_range_message
from .forms import STALE
from .services import archive, check_in_scope
from .verbs import Verb, object_for, request_serializer


def version(obj):
    """What a client sends back (If-Match, or `version` in the body) so that its write is
    refused if someone changed the record since it was read: the `updated` stamp, as forms use."""
    updated = getattr(obj, "updated", None)
    return updated.isoformat() if updated else None


class Stale(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = STALE
    default_code = "stale"


class VersionRequired(APIException):
    """A write that does not say which version it changes would silently overwrite whatever
    someone else saved since the client read it; RFC 6585's 428 asks the client to say."""

    status_code = 428  # Precondition Required
    default_code = "version_required"

    def __init__(self):
        super().__init__(
            _(
                "Send the version you read (the If-Match header with the record's ETag, or "
                "`version` in the body), so that a newer change is not overwritten. "
                "If-Match: * overwrites whatever is there."
            )
        )


def sent_version(request) -> str | None:
    """The version a write names: If-Match, else `version` in a JSON object body."""
    sent = request.headers.get("If-Match")
    if not sent and isinstance(request.data, Mapping):
        sent = request.data.get("version")
    return str(sent) if sent else None


class BaseModelSerializer(serializers.ModelSerializer):
    display = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField(
        help_text="Send it back as If-Match (or as `version`) when writing: a newer record answers 412, "
        "none at all 428."
    )

    def get_display(self, obj) -> str:
        return str(obj)

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_version(self, obj) -> str | None:
        return version(obj)

    def get_field_names(self, declared_fields, info):
        names = list(super().get_field_names(declared_fields, info))
        if hasattr(self.Meta.model, "updated") and "version" not in names:
            names.append("version")
        return names

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        for field in fields.values():
            field = getattr(field, "child_relation", field)  # many=True wraps the related field
            queryset = getattr(field, "queryset", None)
            if request is not None and queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(request.user, Action.VIEW)
        return fields

    def validate(self, attrs):
        """The model's own rules (clean, unique constraints) answer 400, never 500."""
        attrs = super().validate(attrs)
        model = self.Meta.model
        plain = {k: v for k, v in attrs.items() if not model._meta.get_field(k).many_to_many}
        instance = self.instance or model()
        for key, value in plain.items():
            setattr(instance, key, value)
        try:
            instance.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in self.fields])
        except DjangoValidationError as error:
            raise ValidationError(serializers.as_serializer_error(error)) from error
        # What clean_fields() cleaned (invisible characters out of text) is what is saved.
        return {**attrs, **{key: getattr(instance, key) for key, value in plain.items() if isinstance(value, str)}}


class BadParameter(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"


# The right each standard route needs; anything else must be a declared verb or read action.
ROUTE_RIGHTS = {
    "list": Action.VIEW,
    "retrieve": Action.VIEW,
    "metadata": Action.VIEW,
    "create": Action.ADD,
    "update": Action.CHANGE,
    "partial_update": Action.CHANGE,
    "destroy": Action.ARCHIVE,
}


def _form_errors(form) -> dict:
    return {
        ("non_field_errors" if name == "__all__" else name): [e["message"] for e in errors]
        for name, errors in form.errors.get_json_data().items()
    }


def verb_action(viewset, verb: Verb):
    """The API action of a declared verb: POST /…/{id}/<verb>/, validated by the verb's form,
    done by its service, refused (403) to roles the model's rights do not give it."""
    model = viewset.queryset.model

    def run(self, request, pk=None):
        obj = object_for(model, request.user, pk, verb)
        if not isinstance(request.data, Mapping):
            raise ValidationError({"non_field_errors": [_("The body must be a JSON object.")]})
        form = verb.build_form(obj, request.user, request.data, request.FILES)
        if form is not None and not form.is_valid():
            raise ValidationError(_form_errors(form))
        result = verb.run(obj, request.user, form)
        if isinstance(result, model):
            obj = result
        obj = model.objects.filter(pk=obj.pk).first() or obj
        return Response(self.get_serializer(obj).data)

    run.__name__ = verb.name
    run.__doc__ = str(verb.help or verb.label)
    run = extend_schema(
        summary=str(verb.label),
        description=str(verb.help or ""),
        request=request_serializer(model, verb) if verb.form is not None else None,
        responses={
            200: viewset.serializer_class,
            400: OpenApiResponse(description="The form's or the service's rules refused it; nothing changed."),
            403: OpenApiResponse(description="Your role may not use this verb on this record."),
            404: OpenApiResponse(description="No such record in your scope."),
        },
    )(run)
    return drf_action(detail=True, methods=["post"], url_path=verb.name, url_name=verb.name)(run)


class BaseViewSet(viewsets.ModelViewSet):
    """Lists, details and writes scoped by restrict(); DELETE archives; the model's declared
    verbs (`declaration.verbs`) are its only other write routes. An action that is neither a
    standard route, a declared verb nor a declared read (`read_actions`) is refused: an
    undeclared action never falls back to "view"."""

    filterset_class = None
    select_related: tuple[str, ...] = ()
    declaration = None  # the model's ModelViews, whose verbs become API actions
    read_actions: tuple[str, ...] = ()  # extra GET actions that only read
    # Records made elsewhere (a plan's matters, a run's grants, a feed's facts): POST on the list
    # answers 405 with `created_elsewhere` saying where, and the schema leaves it out.
    creatable = True
    created_elsewhere = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for verb in getattr(cls.declaration, "verbs", ()):
            if verb.name not in cls.__dict__:
                setattr(cls, verb.name, verb_action(cls, verb))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        bind_user(request.user)  # token auth learns the user only now
        self.access_action()
        self.check_lookup()

    def check_lookup(self):
        """A path id no record can have (abc, 0.5, 99999999999999999999) is 404 on every detail
        route, the declared verbs and read actions included, before any query (SQLite overflows)."""
        from django.http import Http404

        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if lookup is None or self.lookup_field != "pk":
            return
        try:
            if not 0 < int(lookup) <= BIGINT:
                raise Http404
        except (TypeError, ValueError) as error:
            raise Http404 from error

    def verb(self, name):
        return next((v for v in getattr(self.declaration, "verbs", ()) if v.name == name), None)

    def access_action(self):
        """The right the current route needs, or PermissionDenied for an undeclared action."""
        if self.action is None or self.action in ROUTE_RIGHTS:
            return ROUTE_RIGHTS.get(self.action, Action.VIEW)
        if self.action in self.read_actions:
            return Action.VIEW
        verb = self.verb(self.action)
        if verb is None:
            raise PermissionDenied(_("This action is not declared."))
        return verb.right

    def get_object(self):
        """404 outside the user's scope; 403 for a row the user sees but may not change."""
        obj = super().get_object()
        action = self.access_action()
        if action != Action.VIEW and not can(self.request.user, action, obj):
            raise PermissionDenied(refusal(obj, action))
        if self.action in {"update", "partial_update"} and version(obj) and sent_version(self.request) is None:
            raise VersionRequired
        return obj

    def get_queryset(self):
        # Rows are found in the view scope; get_object() then asks for the route's own right.
        action = Action.VIEW if self.detail else self.access_action()
        queryset = self.queryset.model.objects.select_related(*self.select_related).restrict(self.request.user, action)
        if (
            self.action == "list"
            and hasattr(queryset.model, "archived_at")
            and "archived" not in self.request.query_params
        ):
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset

    def create(self, request, *args, **kwargs):
        if not self.creatable:
            raise MethodNotAllowed("POST", detail=self.created_elsewhere or None)
        if not can(request.user, Action.ADD, self.queryset.model):
            raise PermissionDenied
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        self._write(serializer, Action.ADD)

    def perform_update(self, serializer):
        with transaction.atomic():
            self.check_version(serializer.instance)
            self._write(serializer, Action.CHANGE)

    def check_version(self, instance):
        """Optimistic check: the version the client read (If-Match or `version`; get_object()
        refused a write without one) must still be the record's, read under a row lock in the
        transaction that saves, so that of two racing writers the second sees the first's stamp.
        `If-Match: *` (RFC 9110: any version) overwrites knowingly."""
        sent = sent_version(self.request)
        if not sent or sent == "*" or version(instance) is None:
            return
        current = type(instance)._base_manager.select_for_update().filter(pk=instance.pk).first()
        if current is None or sent.removeprefix("W/").strip('"') != version(current):
            raise Stale

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.detail and response.status_code < 300 and isinstance(response.data, dict):
            if response.data.get("version"):
                response["ETag"] = f'"{response.data["version"]}"'
        return response

    def service_save(self, serializer):
        """The record this write leaves. The serializer saves it by default; an app whose records
        are written by a service (rules checked before anything is written) overrides this to call
        it. A Django ValidationError it raises is a 400 (exception_handler)."""
        return serializer.save()

    def filled(self, serializer, data=None):
        """The record to hand to a service: the one being changed, or a new one, with the request's
        values set."""
        instance = serializer.instance or self.queryset.model()
        for name, value in (serializer.validated_data if data is None else data).items():
            setattr(instance, name, value)
        return instance

    def _write(self, serializer, action):
        with transaction.atomic(), acting(self.request.user):
            serializer.instance = self.service_save(serializer)
            check_in_scope(serializer.instance, self.request.user, action)

    def perform_destroy(self, instance):
        archive(instance, by=self.request.user)


def exception_handler(exc, context):
    """DRF's answers, plus: a Django ValidationError or BadRequest is a 400 and a number the
    database cannot hold is a 400 (never a 500), each in the caller's language."""
    from django.core.exceptions import BadRequest

    if isinstance(exc, BadRequest):
        exc = BadParameter(str(exc))
    elif out_of_range(exc):
        exc = BadParameter(out_of_range_message())
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(serializers.as_serializer_error(exc))
    if isinstance(exc, PermissionDenied):
        from rest_framework.exceptions import PermissionDenied as DRFPermissionDenied

        exc = DRFPermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)

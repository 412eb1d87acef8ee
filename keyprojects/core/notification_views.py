"""Pages of notifications: the inbox (消息, with the user's background jobs beside it), the
e-mail settings (消息设置), and for the city administrator the webhooks (消息推送接口) and
their delivery log (推送记录)."""

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from . import notifications, webhooks
from .access import Action, can
from .filtersets import BaseFilterSet, FilterSet
from .forms import BaseModelForm
from .models import Job
from .notification_models import EmailChoice, WebhookDelivery, WebhookEndpoint
from .tables import BaseTable, DateColumn
from .views import ModelViews

INBOX_PAGE = 20

# --- inbox -----------------------------------------------------------------------------------


@login_required
def inbox(request):
    """消息 first (unread on top, paged), the user's background jobs in the second tab."""
    page = Paginator(notifications.inbox(request.user), INBOX_PAGE).get_page(request.GET.get("page"))
    for notification in page.object_list:
        notification.label = notifications.kind_label(notification.kind)
    return render(
        request,
        "core/inbox.html",
        {
            "page": page,
            "unread": notifications.unread_count(request.user),
            "jobs": Job.objects.restrict(request.user)[:100],
            "tab": "jobs" if request.GET.get("tab") == "jobs" else "notifications",
        },
    )


@login_required
def notification_open(request, pk):
    """Opening a notification marks it read and goes on to its object. Another user's
    notification answers 404, as anything out of scope does."""
    notification = get_object_or_404(notifications.mine(request.user), pk=pk)
    notifications.mark_read(notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect("core:inbox")


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications.mark_all_read(request.user)
    messages.success(request, _("%(count)s notifications marked read.") % {"count": count})
    return redirect("core:inbox")


# --- e-mail settings -----------------------------------------------------------------------


class PreferencesForm(forms.Form):
    """One choice per declared kind: immediately, in the daily digest, or off."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for key, choice in current.items():
            self.fields[key] = forms.ChoiceField(
                label=notifications.kind_label(key),
                choices=EmailChoice.choices,
                initial=choice,
                widget=forms.RadioSelect,
            )


@login_required
def notification_settings(request):
    """消息设置: per kind, by e-mail immediately, in a daily digest, or not at all."""
    current = notifications.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST":
        if form.is_valid():
            try:
                notifications.set_preferences(request.user, form.cleaned_data, by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Notification settings saved."))
                return redirect("core:notification_settings")
    status = 400 if form.is_bound else 200
    return render(request, "core/notification_settings.html", {"form": form}, status=status)


# --- webhooks (city administrator) -----------------------------------------------------------


class CheckboxList(forms.CheckboxSelectMultiple):
    """One Bootstrap check per choice (the generic field template styles single inputs)."""

    template_name = "core/widgets/checkbox_list.html"


class WebhookEndpointForm(BaseModelForm):
    # Never filled in from the record: a saved secret is not shown back, and left empty it stays.
    secret = forms.CharField(
        label=gettext_lazy("secret"),
        required=False,
        min_length=16,
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=gettext_lazy(
            "At least 16 characters, shared with the gateway, which checks each request's signature "
            "with it. Leave empty to keep the current secret."
        ),
    )
    url = forms.URLField(
        label=gettext_lazy("address"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("The gateway's HTTPS address that receives a POST."),
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("kinds"),
        required=False,
        widget=CheckboxList,
        help_text=gettext_lazy("The kinds of notification sent; none ticked sends every kind."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "secret", "kinds", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(key, str(kind.label)) for key, kind in sorted(notifications.KINDS.items())]
        self.initial.pop("secret", None)

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if secret:
            return secret
        if self.instance.pk:
            return self.instance.secret
        raise ValidationError(_("Give the secret shared with the gateway."))


class WebhookEndpointFilterSet(BaseFilterSet):
    search_fields = ("name", "url")

    class Meta:
        model = WebhookEndpoint
        fields = ["q", "active", "archived"]


class WebhookEndpointTable(BaseTable):
    name = tables.Column(linkify=True)
    kinds = tables.Column(orderable=False)

    class Meta(BaseTable.Meta):
        model = WebhookEndpoint
        fields = ["name", "url", "kinds", "active"]

    def render_kinds(self, value):
        return "、".join(notifications.kind_label(k) for k in value) if value else _("Every kind")

    def value_kinds(self, value):
        return self.render_kinds(value)


class WebhookEndpointViews(ModelViews):
    model = WebhookEndpoint
    filterset = WebhookEndpointFilterSet
    table = WebhookEndpointTable
    form = WebhookEndpointForm
    url_prefix = "webhooks/"
    detail_template = "core/webhook_detail.html"

    @classmethod
    def detail_fields(cls, obj):
        return [
            (WebhookEndpoint._meta.get_field("name").verbose_name, obj.name),
            (WebhookEndpoint._meta.get_field("url").verbose_name, obj.url),
            (WebhookEndpoint._meta.get_field("secret").verbose_name, _("Set (never shown)")),
            (WebhookEndpoint._meta.get_field("kinds").verbose_name, WebhookEndpointTable.render_kinds(None, obj.kinds)),
            (WebhookEndpoint._meta.get_field("active").verbose_name, obj.active),
        ]

    @classmethod
    def detail_context(cls, request, obj):
        deliveries = WebhookDelivery.objects.restrict(request.user).filter(endpoint=obj)
        return {"deliveries_url": reverse("core:webhook_deliveries") + f"?endpoint={obj.pk}", "recent": deliveries[:10]}


# --- delivery log ------------------------------------------------------------------------------

STATUS_CHOICES = [
    ("delivered", gettext_lazy("delivered")),
    ("pending", gettext_lazy("waiting")),
    ("failed", gettext_lazy("gave up")),
]


class DeliveryFilterSet(FilterSet):
    endpoint = django_filters.ModelChoiceFilter(queryset=WebhookEndpoint.objects.all(), label=gettext_lazy("webhook"))
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, method="filter_status", label=gettext_lazy("status"))
    kind = django_filters.ChoiceFilter(choices=[], label=gettext_lazy("kind"))

    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "kind"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["endpoint"].queryset = WebhookEndpoint.objects.restrict(user)
        self.filters["kind"].extra["choices"] = [(k, str(v.label)) for k, v in sorted(notifications.KINDS.items())]
        for field in self.form.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")

    def filter_status(self, queryset, name, value):
        if value == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        if value == "pending":
            return queryset.filter(delivered_at__isnull=True, next_attempt_at__isnull=False)
        return queryset.filter(delivered_at__isnull=True, next_attempt_at__isnull=True)


class DeliveryTable(BaseTable):
    created = DateColumn(format="Y-m-d H:i:s")
    kind = tables.Column()
    status = tables.Column(empty_values=(), orderable=False, verbose_name=gettext_lazy("status"))
    last_attempt_at = DateColumn(format="Y-m-d H:i:s")
    next_attempt_at = DateColumn(format="Y-m-d H:i:s")
    delivered_at = DateColumn(format="Y-m-d H:i:s")
    retry = tables.TemplateColumn(
        template_name="core/_webhook_retry.html", orderable=False, verbose_name="", empty_values=()
    )

    class Meta(BaseTable.Meta):
        model = WebhookDelivery
        fields = [
            "created",
            "endpoint",
            "kind",
            "status",
            "attempts",
            "last_status",
            "last_error",
            "last_attempt_at",
            "next_attempt_at",
            "delivered_at",
        ]

    def render_kind(self, value):
        return notifications.kind_label(value)

    def render_status(self, record):
        return record.get_status_display()


@login_required
def webhook_deliveries(request):
    """推送记录: every delivery with its attempts, last answer and next try."""
    if not can(request.user, Action.VIEW, WebhookDelivery):
        raise PermissionDenied
    queryset = WebhookDelivery.objects.restrict(request.user).select_related("endpoint")
    filterset = DeliveryFilterSet(request.GET or None, queryset=queryset, user=request.user)
    table = DeliveryTable(filterset.qs)
    if not can(request.user, Action.CHANGE, WebhookEndpoint):
        table.columns.hide("retry")
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "core/webhook_deliveries.html", {"filterset": filterset, "table": table})


@login_required
@require_POST
def webhook_retry(request, pk):
    """Try a delivery that gave up once more, now (the city administrator)."""
    delivery = get_object_or_404(WebhookDelivery.objects.restrict(request.user, Action.CHANGE), pk=pk)
    if delivery.delivered_at or delivery.next_attempt_at:
        raise Http404
    webhooks.retry_now(delivery, by=request.user)
    messages.success(request, _("The delivery is being sent again."))
    return redirect(reverse("core:webhook_deliveries") + f"?endpoint={delivery.endpoint_id}")

"""What needs a user's attention on the home page. Modules register a provider
`fn(request) -> list of {"label", "count", "url", "level"}`; core only shows them."""

PROVIDERS = []


def provider(fn):
    PROVIDERS.append(fn)
    return fn


def attention_items(request):
    return [item for fn in PROVIDERS for item in fn(request)]

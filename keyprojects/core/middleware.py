import uuid

from .context import acting


class ActorMiddleware:
    """Binds the signed-in user and a request id to every write made while answering."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        user = request.user if request.user.is_authenticated else None
        with acting(user, request.id):
            response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response

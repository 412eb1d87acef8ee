"""The API's pages (its own module: DRF reads it from the settings while core.api imports DRF)."""

from rest_framework.pagination import LimitOffsetPagination

from .errors import BIGINT, whole_number


class Pagination(LimitOffsetPagination):
    """?limit= from 1 to 500 and ?offset= from 0: anything else answers 400 naming the range
    (DRF let a negative limit through to the default and a huge offset through to the database)."""

    max_limit = 500

    def get_limit(self, request):
        return whole_number(
            request.query_params, self.limit_query_param, maximum=self.max_limit, default=self.default_limit
        )

    def get_offset(self, request):
        return whole_number(request.query_params, self.offset_query_param, minimum=0, maximum=BIGINT, default=0)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.limit_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_limit)
            elif parameter["name"] == self.offset_query_param:
                parameter["schema"].update(minimum=0, maximum=BIGINT)
        return parameters

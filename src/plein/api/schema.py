"""drf-spectacular: how the token authentication appears in the OpenAPI schema (an HTTP bearer scheme)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "plein.api.authentication.BearerTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "An API token made by the functional administrator (Beheer → API tokens, or ./plein "
                "create_api_token), sent as `Authorization: Bearer plein_…`. Each token has scopes; the HR "
                "synchronisation needs `hr.sync`."
            ),
        }
